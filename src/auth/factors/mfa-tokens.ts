import { Inject, Injectable } from '@nestjs/common';
import { IsNull, MoreThan, type Repository } from 'typeorm';
import { factorsConfig } from '../../config/factors.config';
import type { Settings } from '../../config/settings-token';
import { TransactionRunner } from '../../database/transaction-runner';
import { hashOpaqueToken, newOpaqueToken } from '../opaque-token';
import { MfaTokenEntity } from './second-factor.entities';

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
    await this.rows().insert({ tokenHash: hashOpaqueToken(token), userId, createdAt: now, expiresAt, usedAt: null, amr: firstFactor.join(',') || null });
    return { token, expiresIn: this.config.mfaTokenTtl };
  }

  /** The account (and first factor) of an unused, unexpired token, without using it up. */
  async peek(token: string | undefined): Promise<{ userId: string; firstFactor: string[] } | null> {
    if (!token) return null;
    const row = await this.rows().findOneBy({ tokenHash: hashOpaqueToken(token), usedAt: IsNull(), expiresAt: MoreThan(new Date()) });
    return row ? { userId: row.userId, firstFactor: row.amr?.split(',') ?? [] } : null;
  }

  /** Uses the token up; false when it was used (or expired) meanwhile. Conditional: one winner. */
  async take(token: string): Promise<boolean> {
    const result = await this.rows().update({ tokenHash: hashOpaqueToken(token), usedAt: IsNull(), expiresAt: MoreThan(new Date()) }, { usedAt: new Date() });
    return result.affected === 1;
  }

  private rows(): Repository<MfaTokenEntity> {
    return this.database.repository(MfaTokenEntity);
  }
}
