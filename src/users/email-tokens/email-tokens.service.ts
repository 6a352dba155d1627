import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { In, IsNull, LessThanOrEqual, MoreThan, Not, type Repository } from 'typeorm';
import { AppError } from '#src/common/errors/app-error';
import { type Db, type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { UsersRepository } from '../users.repository';
import { hashOpaqueToken, newOpaqueToken } from '#src/common/crypto/opaque-token';
import { accountLocales } from '#src/i18n/account-languages';
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

  /**
   * A new token, stored, superseding the user's earlier tokens of this purpose, except revert and lock tokens:
   * each undoes one change (or locks the account) and stays valid for its whole life, whatever follows (an
   * attacker's second change must not kill the owner's undo link). `act`: what a change or revert token is about.
   */
  async issue(
    userId: string,
    purpose: EmailTokenPurpose,
    email: string,
    ttlSeconds: number,
    within?: Transaction,
    act?: EmailChangeAct,
  ): Promise<StoredEmailToken> {
    return this.database.run(async (tx) => {
      const stored = await this.insert(newOpaqueToken(), userId, purpose, email, ttlSeconds, tx, act);
      await this.supersedeBefore(stored, tx);
      return stored;
    }, within);
  }

  /**
   * A new link, mailed by `send`: stored beside the user's earlier links of this purpose before it goes out, so it
   * works the moment it arrives; the earlier ones stop working once it was sent. When `send` throws, the new one
   * is withdrawn and the earlier ones keep working: the newest link that reached the mailbox always works.
   */
  async mailNew(
    userId: string,
    purpose: EmailTokenPurpose,
    email: string,
    ttlSeconds: number,
    send: (token: string, expiresAt: Date) => Promise<void>,
    act?: EmailChangeAct,
  ): Promise<StoredEmailToken> {
    const stored = await this.insert(newOpaqueToken(), userId, purpose, email, ttlSeconds, undefined, act);
    try {
      await send(stored.token, stored.expiresAt);
    } catch (error) {
      await this.tokens().update({ id: stored.id }, { usedAt: new Date() });
      throw error;
    }
    await this.supersedeBefore(stored);
    return stored;
  }

  private async insert(
    token: string,
    userId: string,
    purpose: EmailTokenPurpose,
    email: string,
    ttlSeconds: number,
    db?: Db,
    act?: EmailChangeAct,
  ): Promise<StoredEmailToken & Pick<EmailTokenEntity, 'id' | 'userId' | 'purpose' | 'createdAt'>> {
    const createdAt = new Date();
    const expiresAt = new Date(createdAt.getTime() + ttlSeconds * 1000);
    const id = randomUUID();
    await this.tokens(db).insert({
      id,
      userId,
      purpose,
      tokenHash: hashOpaqueToken(token),
      email,
      createdAt,
      expiresAt,
      usedAt: null,
      actAt: act?.at ?? null,
      actSecondFactor: act?.secondFactor ?? false,
    });
    return { id, token, userId, purpose, createdAt, expiresAt };
  }

  /** The user's open tokens of the new one's purpose made before it stop working (never revert and lock tokens). */
  private async supersedeBefore(newer: Pick<EmailTokenEntity, 'id' | 'userId' | 'purpose' | 'createdAt'>, db?: Db): Promise<void> {
    if (NEVER_SUPERSEDED.includes(newer.purpose)) return;
    await this.tokens(db).update(
      { userId: newer.userId, purpose: newer.purpose, usedAt: IsNull(), id: Not(newer.id), createdAt: LessThanOrEqual(newer.createdAt) },
      { usedAt: new Date() },
    );
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
   * The locales of the account an open token belongs to, for the page its link opens: its locale, then the one
   * before a recent change while its mails still carry that too (`localeChange`). Null when the token is unknown,
   * used or expired (the page then follows the browser's Accept-Language). Uses nothing up.
   */
  async ownerLocale(token: unknown, purposes: EmailTokenPurpose[]): Promise<Array<string | null | undefined> | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return null;
    const row = await this.findOpen(token, purposes);
    const owner = row ? await this.users.findById(row.userId) : null;
    return owner ? accountLocales(owner) : null;
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
