import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { In, IsNull, MoreThan, type Repository } from 'typeorm';
import { AppError } from '#src/common/errors/app-error';
import { type Db, type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { UsersRepository } from '../users.repository';
import { hashOpaqueToken, newOpaqueToken } from '#src/common/crypto/opaque-token';
import { EmailTokenEntity, type EmailTokenPurpose } from './email-token.entity';

/** What an email change (and so its undo) was: when it began, and whether its step-up used a second factor. */
export interface EmailChangeAct {
  at: Date;
  secondFactor: boolean;
}

/** Each of these undoes or stops one thing and stays valid for its whole life, whatever links follow it. */
const NEVER_SUPERSEDED: readonly EmailTokenPurpose[] = ['revert', 'lock'];

export interface StoredEmailToken {
  token: string;
  expiresAt: Date;
}

export function invalidEmailToken(): AppError {
  return new AppError('EMAIL_TOKEN_INVALID', 'This link is not valid any more. Request a new one.');
}

/** Single-use, expiring, hashed link tokens. A new token for the same user and purpose supersedes the old one. */
@Injectable()
export class EmailTokensService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
  ) {}

  private tokens(db?: Db): Repository<EmailTokenEntity> {
    return this.database.repository(EmailTokenEntity, db);
  }

  /** A fresh token value: made before it is stored, so that mail can be sent first. */
  newToken(): string {
    return newOpaqueToken();
  }

  /**
   * Stores the token's hash, superseding the user's earlier tokens of this purpose, except revert and lock tokens:
   * each undoes one change (or locks the account) and stays valid for its whole life, whatever follows (an
   * attacker's second change must not kill the owner's undo link). `act`: what a change or revert token is about.
   */
  async store(
    token: string,
    userId: string,
    purpose: EmailTokenPurpose,
    email: string,
    ttlSeconds: number,
    within?: Transaction,
    act?: EmailChangeAct,
  ): Promise<StoredEmailToken> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    await this.database.run(async (tx) => {
      if (!NEVER_SUPERSEDED.includes(purpose)) await this.tokens(tx).update({ userId, purpose, usedAt: IsNull() }, { usedAt: now });
      await this.tokens(tx).insert({
        id: randomUUID(),
        userId,
        purpose,
        tokenHash: hashOpaqueToken(token),
        email,
        createdAt: now,
        expiresAt,
        usedAt: null,
        actAt: act?.at ?? null,
        actSecondFactor: act?.secondFactor ?? false,
      });
    }, within);
    return { token, expiresAt };
  }

  issue(userId: string, purpose: EmailTokenPurpose, email: string, ttlSeconds: number): Promise<StoredEmailToken> {
    return this.store(this.newToken(), userId, purpose, email, ttlSeconds);
  }

  /**
   * Marks the token used and returns it. The conditional update makes it single-use even when two requests
   * race; inside a transaction that later fails, the mark rolls back with it. Unknown, used, expired,
   * superseded and wrong-purpose tokens all fail alike.
   */
  async consume(token: string, purposes: EmailTokenPurpose[], db?: Db): Promise<EmailTokenEntity> {
    const repository = this.tokens(db);
    const row = await this.findOpen(token, purposes, db);
    const claimed = row ? await repository.update({ id: row.id, usedAt: IsNull() }, { usedAt: new Date() }) : undefined;
    if (!row || claimed?.affected !== 1) throw invalidEmailToken();
    return row;
  }

  /** The open token's row without using it up (to check a request before the transaction that consumes it). */
  findOpen(token: string, purposes: EmailTokenPurpose[], db?: Db): Promise<EmailTokenEntity | null> {
    const repository = this.tokens(db);
    return repository.findOneBy({ tokenHash: hashOpaqueToken(token), purpose: In(purposes), usedAt: IsNull(), expiresAt: MoreThan(new Date()) });
  }

  /**
   * The locale of the account an open token belongs to, for the page its link opens; null when the token is
   * unknown, used or expired (the page then follows the browser's Accept-Language). Uses nothing up.
   */
  async ownerLocale(token: unknown, purposes: EmailTokenPurpose[]): Promise<string | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return null;
    const row = await this.findOpen(token, purposes);
    return row ? ((await this.users.findById(row.userId))?.locale ?? null) : null;
  }

  /** The open link of the user's pending email change, if any. */
  openChange(userId: string): Promise<EmailTokenEntity | null> {
    return this.tokens().findOneBy({ userId, purpose: 'change', usedAt: IsNull(), expiresAt: MoreThan(new Date()) });
  }

  /**
   * Ends a pending email change: its link stops working and the profile no longer shows it. Inside the caller's
   * transaction when one is given (a new password, a reset, signing out everywhere, an undo).
   */
  async cancelPendingChange(userId: string, within?: Transaction): Promise<void> {
    await this.database.run(async (tx) => {
      await this.cancel(userId, 'change', tx);
      await this.users.setPendingEmail(userId, null, tx);
    }, within);
  }

  /** Makes the user's open tokens of this purpose stop working. */
  async cancel(userId: string, purpose: EmailTokenPurpose, db?: Db): Promise<void> {
    return this.cancelCreatedAfter(userId, purpose, undefined, db);
  }

  /** The same for the tokens created after `after` only (an undo spends the links made after it); every one without it. */
  async cancelCreatedAfter(userId: string, purpose: EmailTokenPurpose, after: Date | undefined, db?: Db): Promise<void> {
    const repository = this.tokens(db);
    await repository.update({ userId, purpose, usedAt: IsNull(), ...(after ? { createdAt: MoreThan(after) } : {}) }, { usedAt: new Date() });
  }
}
