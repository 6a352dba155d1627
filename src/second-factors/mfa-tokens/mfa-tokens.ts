import { Inject, Injectable } from '@nestjs/common';
import { IsNull, LessThan, MoreThan, type Repository } from 'typeorm';
import { factorsConfig } from '#src/config/factors.config';
import type { Settings } from '#src/config/settings-token';
import { type Db, type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { hashOpaqueToken, newOpaqueToken } from '#src/common/crypto/opaque-token';
import { MfaTokenEntity } from './mfa-token.entity';

/** Wrong codes one sign-in attempt may send; the token then dies, and the sign-in starts again from its password. */
export const MFA_TOKEN_MAX_FAILURES = 5;

/** The proof that one sign-in attempt of one account passed its first factor (password or provider). */
@Injectable()
export class MfaTokens {
  constructor(
    private readonly database: TransactionRunner,
    @Inject(factorsConfig.KEY) private readonly config: Settings<typeof factorsConfig>,
  ) {}

  /** `firstFactor`: how the first step was proved (RFC 8176), for the session the second step opens. */
  async issue(userId: string, firstFactor: readonly string[]): Promise<{ token: string; expiresIn: number }> {
    const token = newOpaqueToken();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.mfaTokenTtl * 1000);
    await this.rows().insert({
      tokenHash: hashOpaqueToken(token),
      userId,
      createdAt: now,
      expiresAt,
      usedAt: null,
      amr: firstFactor.join(',') || null,
      failures: 0,
    });
    return { token, expiresIn: this.config.mfaTokenTtl };
  }

  /** The account (and first factor) of an unused, unexpired token, without using it up. */
  async peek(token: string | undefined): Promise<{ userId: string; firstFactor: string[] } | null> {
    if (!token) return null;
    const row = await this.rows().findOneBy({ tokenHash: hashOpaqueToken(token), usedAt: IsNull(), expiresAt: MoreThan(new Date()) });
    return row ? { userId: row.userId, firstFactor: row.amr?.split(',') ?? [] } : null;
  }

  /**
   * Uses the token up; false when it was used (or expired) meanwhile. Conditional: one winner. Taken before the
   * second factor is checked, so a request that loses the race never spends its code.
   */
  async take(token: string): Promise<boolean> {
    const result = await this.rows().update({ tokenHash: hashOpaqueToken(token), usedAt: IsNull(), expiresAt: MoreThan(new Date()) }, { usedAt: new Date() });
    return result.affected === 1;
  }

  /**
   * Makes a taken token usable again after its second factor was not accepted; `wrong`: a wrong code or passkey,
   * which counts on the token (after MFA_TOKEN_MAX_FAILURES it stays used up).
   */
  async giveBack(token: string, wrong: boolean): Promise<void> {
    const tokenHash = hashOpaqueToken(token);
    if (wrong) await this.rows().increment({ tokenHash }, 'failures', 1);
    await this.rows().update({ tokenHash, failures: LessThan(MFA_TOKEN_MAX_FAILURES) }, { usedAt: null });
  }

  /** Every sign-in of the account waiting for its second step ends (a takeback). */
  async revokeAll(userId: string, tx: Transaction): Promise<void> {
    await this.rows(tx).update({ userId, usedAt: IsNull() }, { usedAt: new Date() });
  }

  private rows(db?: Db): Repository<MfaTokenEntity> {
    return this.database.repository(MfaTokenEntity, db);
  }
}
