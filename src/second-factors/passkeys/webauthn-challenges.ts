import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import { factorsConfig } from '#src/config/factors.config';
import type { Settings } from '#src/config/settings-token';
import { TransactionRunner } from '#src/database/transaction-runner';
import { type ChallengePurpose, WebAuthnChallengeEntity } from './passkey.entities';

/** What a challenge was handed out to: it is good for nothing else. Null fields must be null on use too. */
export interface ChallengeBinding {
  userId: string | null;
  sessionId: string | null;
  mfaTokenHash: string | null;
}

export const UNBOUND: ChallengeBinding = { userId: null, sessionId: null, mfaTokenHash: null };

/**
 * The challenges of WebAuthn ceremonies, kept server-side: each is usable once, for its purpose and binding,
 * until it expires. Using one is a conditional update, so of two answers to the same challenge one wins.
 */
@Injectable()
export class WebAuthnChallenges {
  constructor(
    private readonly database: TransactionRunner,
    @Inject(factorsConfig.KEY) private readonly config: Settings<typeof factorsConfig>,
  ) {}

  get ttlSeconds(): number {
    return this.config.webauthn.challengeTtl;
  }

  async issue(purpose: ChallengePurpose, binding: ChallengeBinding): Promise<string> {
    const challenge = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.rows().insert({ challenge, purpose, ...binding, createdAt: now, expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000), usedAt: null });
    return challenge;
  }

  /** Uses the challenge up; false when it is unknown, used, expired, or was issued for something else. */
  async take(challenge: string, purpose: ChallengePurpose, binding: ChallengeBinding): Promise<boolean> {
    const now = new Date();
    const result = await this.rows().update(
      {
        challenge,
        purpose,
        userId: binding.userId ?? IsNull(),
        sessionId: binding.sessionId ?? IsNull(),
        mfaTokenHash: binding.mfaTokenHash ?? IsNull(),
        usedAt: IsNull(),
        expiresAt: MoreThan(now),
      },
      { usedAt: now },
    );
    return result.affected === 1;
  }

  private rows(): Repository<WebAuthnChallengeEntity> {
    return this.database.repository(WebAuthnChallengeEntity);
  }
}
