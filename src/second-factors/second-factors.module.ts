import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '#src/auth/auth.module';
import { PROFILE_CONNECTION } from '#src/database/profile-connection';
import { EventsModule } from '#src/events/events.module';
import { MailModule } from '#src/mail/mail.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { RetentionModule } from '#src/retention/retention.module';
import { SecurityNoticesModule } from '#src/security-notices/security-notices.module';
import { UsersModule } from '#src/users/users.module';
import { FactorsController } from './factors.controller';
import { FactorsService } from './factors.service';
import { MfaChallenges } from './mfa-tokens/mfa-challenges';
import { MfaTokenEntity } from './mfa-tokens/mfa-token.entity';
import { MfaTokens } from './mfa-tokens/mfa-tokens';
import { PasskeyEntity, WebAuthnChallengeEntity } from './passkeys/passkey.entities';
import { Passkeys } from './passkeys/passkeys';
import { PasskeysRepository } from './passkeys/passkeys.repository';
import { WebAuthnCeremony } from './passkeys/webauthn-ceremony';
import { WebAuthnChallenges } from './passkeys/webauthn-challenges';
import { RecoveryCodeEntity } from './recovery-codes/recovery-code.entity';
import { RecoveryCodes } from './recovery-codes/recovery-codes';
import { SecondFactors } from './second-factors';
import { SecondFactorsRetention } from './second-factors.retention';
import { SecretBox } from './totp/secret-box';
import { TotpFactorEntity } from './totp/totp-factor.entity';
import { TotpFactors } from './totp/totp-factors';

const ENTITIES = [TotpFactorEntity, RecoveryCodeEntity, MfaTokenEntity, PasskeyEntity, WebAuthnChallengeEntity];
const FACTORS = [SecretBox, TotpFactors, RecoveryCodes, WebAuthnCeremony, WebAuthnChallenges, PasskeysRepository, Passkeys];

/**
 * Second factors: TOTP, passkeys, recovery codes, the MfaTokens of a sign-in's second step, and the `/me/factors`
 * routes. `SecondFactors` tells sign-in and step-up what an account must show and checks it on the failure counter.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(ENTITIES, PROFILE_CONNECTION),
    AuthModule,
    UsersModule,
    MailModule,
    SecurityNoticesModule,
    EventsModule,
    RateLimitModule,
    RetentionModule,
  ],
  controllers: [FactorsController],
  providers: [...FACTORS, SecondFactors, MfaTokens, MfaChallenges, FactorsService, SecondFactorsRetention],
  exports: [SecondFactors, MfaTokens, MfaChallenges, Passkeys, TotpFactors, FactorsService],
})
export class SecondFactorsModule {}
