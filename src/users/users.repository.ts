import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { In, IsNull, Not, type Repository } from 'typeorm';
import { emailLookupKey } from '#src/common/validation/email';
import { type Db, type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { uniqueViolationText } from '#src/database/unique-violation';
import { UserEntity } from './user.entity';

export interface ProfileChanges {
  username?: string | null;
  displayName?: string | null;
  bio?: string | null;
  locale?: string;
  timezone?: string;
  /** Set with `locale` (see `localeChange`). */
  previousLocale?: string | null;
  previousLocaleUntil?: Date | null;
}

/** A new password's hash, and when it was checked against the breach corpus (null: the check could not run). */
export interface NewPassword {
  hash: string;
  checkedAt: Date | null;
}

export interface NewUser {
  email: string;
  password: NewPassword | null;
  /** True only when someone else already verified the address (an OpenID Connect provider). */
  emailVerified?: boolean;
  username?: string | null;
  displayName?: string | null;
  /** Canonical BCP 47 tag and IANA zone; default `en` and `UTC`. */
  locale?: string;
  timezone?: string;
}

/** Which unique column a failed insert or update collided with. */
export type UniqueField = 'email' | 'username';

export class UniqueViolation extends Error {
  constructor(readonly field: UniqueField) {
    super(`unique violation on ${field}`);
  }
}

/** Maps a database unique-index failure to the field it concerns; rethrows anything else. */
export function asUniqueViolation(error: unknown): UniqueViolation {
  const text = uniqueViolationText(error);
  if (text !== null && /email_normalized/.test(text)) return new UniqueViolation('email');
  if (text !== null && /username/.test(text)) return new UniqueViolation('username');
  throw error;
}

/** The account record store. No HTTP, no policy: callers decide what a conflict means. */
@Injectable()
export class UsersRepository {
  constructor(private readonly database: TransactionRunner) {}

  private users(db?: Db): Repository<UserEntity> {
    return this.database.repository(UserEntity, db);
  }

  findById(id: string, db?: Db): Promise<UserEntity | null> {
    return this.users(db).findOneBy({ id });
  }

  findByEmail(email: string, db?: Db): Promise<UserEntity | null> {
    return this.users(db).findOneBy({ emailNormalized: emailLookupKey(email) });
  }

  /** The user with the password hash, which is otherwise never loaded. */
  findByEmailWithPassword(email: string): Promise<UserEntity | null> {
    return this.users()
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.emailNormalized = :key', { key: emailLookupKey(email) })
      .getOne();
  }

  async getPasswordHash(userId: string): Promise<string | null> {
    const row = await this.users().createQueryBuilder('user').select('user.passwordHash').where('user.id = :userId', { userId }).getOne();
    return row?.passwordHash ?? null;
  }

  async isUsernameTaken(username: string): Promise<boolean> {
    return (await this.users().countBy({ username: username.toLowerCase() })) > 0;
  }

  /** Marks the address verified if it is still the account's address; false when it no longer is. */
  async markEmailVerified(userId: string, email: string, db?: Db): Promise<boolean> {
    const repository = this.users(db);
    const result = await repository.update({ id: userId, emailNormalized: emailLookupKey(email) }, { emailVerified: true, updatedAt: new Date() });
    return result.affected === 1;
  }

  /** Applies the changes and returns the fresh row; throws UniqueViolation when the username is taken. */
  async updateProfile(userId: string, changes: ProfileChanges, tx: Transaction): Promise<UserEntity> {
    try {
      await this.users(tx).update({ id: userId }, { ...changes, updatedAt: new Date() });
    } catch (error) {
      throw asUniqueViolation(error);
    }
    return this.users(tx).findOneByOrFail({ id: userId });
  }

  /** `null` makes the password stop working (the account then signs in through a reset link or a provider). */
  async setPassword(userId: string, password: NewPassword | null, tx: Transaction): Promise<void> {
    const now = new Date();
    // passwordChangedAt is also what says the account has a password (the profile's identityProviders).
    await this.users(tx).update(
      { id: userId },
      {
        passwordHash: password?.hash ?? null,
        passwordChangedAt: password ? now : null,
        passwordCheckedAt: password?.checkedAt ?? null,
        passwordBreached: false,
        updatedAt: now,
      },
    );
  }

  /** A hash made before normalisation, replaced by one of the normalised form; only if it is still the account's. */
  async replaceLegacyHash(userId: string, legacyHash: string, hash: string): Promise<void> {
    await this.users().update({ id: userId, passwordHash: legacyHash }, { passwordHash: hash });
  }

  /** After a sign-in's breach check. True when this call found it breached first (one mail, one event). */
  async recordPasswordCheck(userId: string, hash: string, breached: boolean, tx: Transaction): Promise<boolean> {
    const now = new Date();
    if (!breached) {
      await this.users(tx).update({ id: userId, passwordHash: hash }, { passwordCheckedAt: now });
      return false;
    }
    const result = await this.users(tx).update({ id: userId, passwordHash: hash, passwordBreached: false }, { passwordCheckedAt: now, passwordBreached: true });
    return result.affected === 1;
  }

  async setPendingEmail(userId: string, pending: { email: string; expiresAt: Date } | null, db?: Db): Promise<void> {
    const repository = this.users(db);
    // Never the account's own address: its link may have been followed (and the change made) a moment ago.
    const criteria = pending ? { id: userId, emailNormalized: Not(emailLookupKey(pending.email)) } : { id: userId };
    await repository.update(criteria, { pendingEmail: pending?.email ?? null, pendingEmailExpiresAt: pending?.expiresAt ?? null });
  }

  /**
   * Makes `email` the account's address and clears any pending change. The unique index is the final word on
   * who owns an address: a collision throws UniqueViolation('email').
   */
  async replaceEmail(userId: string, email: string, verified: boolean, db?: Db): Promise<void> {
    const repository = this.users(db);
    try {
      await repository.update(
        { id: userId },
        { email, emailNormalized: emailLookupKey(email), emailVerified: verified, pendingEmail: null, pendingEmailExpiresAt: null, updatedAt: new Date() },
      );
    } catch (error) {
      throw asUniqueViolation(error);
    }
  }

  /**
   * Points the user at a new avatar version (or none) and returns the version it replaced. The conditional
   * update keeps two racing uploads from both believing they replaced the same old version.
   */
  async switchAvatar(userId: string, version: string | null, tx: Transaction): Promise<{ user: UserEntity; replaced: string | null } | null> {
    for (;;) {
      const current = await this.findById(userId, tx);
      if (!current) return null;
      const now = new Date();
      const result = await this.users(tx)
        .createQueryBuilder()
        .update(UserEntity)
        .set({ avatarVersion: version, avatarUpdatedAt: version ? now : null, updatedAt: now })
        .where('id = :userId', { userId })
        .andWhere(current.avatarVersion === null ? 'avatar_version IS NULL' : 'avatar_version = :old', { old: current.avatarVersion })
        .execute();
      if (result.affected === 1) return { user: (await this.findById(userId, tx)) as UserEntity, replaced: current.avatarVersion };
    }
  }

  /** Every user's current avatar version, for the sweep of orphaned files. */
  async avatarVersionsOf(userIds: string[]): Promise<Map<string, string | null>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.users().find({ select: { id: true, avatarVersion: true }, where: { id: In(userIds) } });
    return new Map(rows.map((row) => [row.id, row.avatarVersion]));
  }

  /** Locks the account at `at` (kept when it was locked already: the look-back of the unlock counts from the first lock). */
  async lock(userId: string, at: Date, tx: Transaction): Promise<void> {
    await this.users(tx).update({ id: userId, lockedAt: IsNull() }, { lockedAt: at, updatedAt: at });
  }

  async unlock(userId: string, tx: Transaction): Promise<void> {
    await this.users(tx).update({ id: userId }, { lockedAt: null, updatedAt: new Date() });
  }

  /** Schedules the deletion; false when one was scheduled already (the first one's date stands). */
  async scheduleDeletion(userId: string, at: Date, deleteAt: Date, tx: Transaction): Promise<boolean> {
    const result = await this.users(tx).update({ id: userId, deleteAt: IsNull() }, { deletionScheduledAt: at, deleteAt, updatedAt: at });
    return result.affected === 1;
  }

  /** Cancels a scheduled deletion; false when none was scheduled. */
  async cancelDeletion(userId: string, tx: Transaction): Promise<boolean> {
    const result = await this.users(tx).update({ id: userId, deleteAt: Not(IsNull()) }, { deletionScheduledAt: null, deleteAt: null, updatedAt: new Date() });
    return result.affected === 1;
  }

  /** Deletes the user; the database cascades to every row that belongs to them. */
  async delete(userId: string, tx: Transaction): Promise<void> {
    await this.users(tx).delete({ id: userId });
  }

  /** Deletes the user only while its address is still unverified (a verification racing with this wins). */
  async deleteUnverified(userId: string, tx: Transaction): Promise<boolean> {
    const result = await this.users(tx).delete({ id: userId, emailVerified: false });
    return result.affected === 1;
  }

  /** Inserts the user; throws UniqueViolation when the email or username is already taken. */
  async create(data: NewUser, db?: Db): Promise<UserEntity> {
    const repository = this.users(db);
    const now = new Date();
    const user = repository.create({
      id: randomUUID(),
      email: data.email,
      emailNormalized: emailLookupKey(data.email),
      emailVerified: data.emailVerified ?? false,
      pendingEmail: null,
      pendingEmailExpiresAt: null,
      avatarVersion: null,
      avatarUpdatedAt: null,
      username: data.username ?? null,
      displayName: data.displayName ?? null,
      bio: null,
      locale: data.locale ?? 'en',
      timezone: data.timezone ?? 'UTC',
      passwordHash: data.password?.hash ?? null,
      passwordChangedAt: data.password ? now : null,
      passwordCheckedAt: data.password?.checkedAt ?? null,
      passwordBreached: false,
      lockedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await repository.insert(user);
    } catch (error) {
      throw asUniqueViolation(error);
    }
    delete user.passwordHash;
    return user;
  }
}
