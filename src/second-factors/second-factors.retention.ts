import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { IsNull, LessThan } from 'typeorm';
import { retentionConfig } from '#src/config/retention.config';
import type { Settings } from '#src/config/settings-token';
import { RetentionRules, ago } from '#src/retention/retention-rules';
import { MfaTokenEntity } from './mfa-tokens/mfa-token.entity';
import { WebAuthnChallengeEntity } from './passkeys/passkey.entities';
import { TotpFactorEntity } from './totp/totp-factor.entity';

/** RETENTION_GRACE after they expired or were used: MfaTokens, WebAuthn challenges, and authenticator-app enrolments never confirmed (they hold an encrypted secret). */
@Injectable()
export class SecondFactorsRetention implements OnModuleInit {
  constructor(
    private readonly rules: RetentionRules,
    @Inject(retentionConfig.KEY) private readonly config: Settings<typeof retentionConfig>,
  ) {}

  onModuleInit(): void {
    const { graceSeconds } = this.config;
    this.rules.add<MfaTokenEntity>({
      name: 'mfa tokens',
      entity: MfaTokenEntity,
      key: 'tokenHash',
      conditions: (now) => [{ expiresAt: LessThan(ago(now, graceSeconds)) }, { usedAt: LessThan(ago(now, graceSeconds)) }],
    });
    this.rules.add<TotpFactorEntity>({
      name: 'totp enrolments',
      entity: TotpFactorEntity,
      key: 'userId',
      // Never an active factor: confirming clears pending_expires_at.
      conditions: (now) => [{ confirmedAt: IsNull(), pendingExpiresAt: LessThan(ago(now, graceSeconds)) }],
    });
    this.rules.add<WebAuthnChallengeEntity>({
      name: 'webauthn challenges',
      entity: WebAuthnChallengeEntity,
      key: 'challenge',
      conditions: (now) => [{ expiresAt: LessThan(ago(now, graceSeconds)) }, { usedAt: LessThan(ago(now, graceSeconds)) }],
    });
  }
}
