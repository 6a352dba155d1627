import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, QueryFailedError, Repository } from 'typeorm';
import { emailLookupKey } from '../common/validation/email';
import { UserEntity } from './user.entity';

export interface ProfileChanges {
  username?: string | null;
  displayName?: string | null;
  bio?: string | null;
  locale?: string;
  timezone?: string;
}

export interface NewUser {
  email: string;
  passwordHash: string | null;
  username?: string | null;
  displayName?: string | null;
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
  if (error instanceof QueryFailedError) {
    const text = `${error.message} ${(error.driverError as { constraint?: string } | undefined)?.constraint ?? ''}`;
    if (/email_normalized/.test(text)) return new UniqueViolation('email');
    if (/username/.test(text)) return new UniqueViolation('username');
  }
  throw error;
}

/** The account record store. No HTTP, no policy: callers decide what a conflict means. */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ emailNormalized: emailLookupKey(email) });
  }

  /** The user with the password hash, which is otherwise never loaded. */
  findByEmailWithPassword(email: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.emailNormalized = :key', { key: emailLookupKey(email) })
      .getOne();
  }

  async getPasswordHash(userId: string): Promise<string | null> {
    const row = await this.users.createQueryBuilder('user').select('user.passwordHash').where('user.id = :userId', { userId }).getOne();
    return row?.passwordHash ?? null;
  }

  async isUsernameTaken(username: string): Promise<boolean> {
    return (await this.users.countBy({ username: username.toLowerCase() })) > 0;
  }

  /** Marks the address verified if it is still the account's address; returns the fresh row or null. */
  async markEmailVerified(userId: string, email: string): Promise<UserEntity | null> {
    const result = await this.users.update({ id: userId, emailNormalized: emailLookupKey(email) }, { emailVerified: true, updatedAt: new Date() });
    return result.affected === 1 ? this.findById(userId) : null;
  }

  /** Applies the changes and returns the fresh row; throws UniqueViolation when the username is taken. */
  async updateProfile(userId: string, changes: ProfileChanges): Promise<UserEntity> {
    try {
      await this.users.update({ id: userId }, { ...changes, updatedAt: new Date() });
    } catch (error) {
      throw asUniqueViolation(error);
    }
    return this.users.findOneByOrFail({ id: userId });
  }

  async setPasswordHash(userId: string, passwordHash: string, manager: EntityManager): Promise<void> {
    const now = new Date();
    await manager.getRepository(UserEntity).update({ id: userId }, { passwordHash, passwordChangedAt: now, updatedAt: now });
  }

  /** Deletes the user; the database cascades to every row that belongs to them. */
  async delete(userId: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(UserEntity).delete({ id: userId });
  }

  /** Inserts the user; throws UniqueViolation when the email or username is already taken. */
  async create(data: NewUser, manager?: EntityManager): Promise<UserEntity> {
    const repository = manager ? manager.getRepository(UserEntity) : this.users;
    const now = new Date();
    const user = repository.create({
      id: randomUUID(),
      email: data.email,
      emailNormalized: emailLookupKey(data.email),
      emailVerified: false,
      username: data.username ?? null,
      displayName: data.displayName ?? null,
      bio: null,
      locale: 'en',
      timezone: 'UTC',
      passwordHash: data.passwordHash,
      passwordChangedAt: data.passwordHash ? now : null,
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
