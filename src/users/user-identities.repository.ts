import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MoreThan, type Repository } from 'typeorm';
import { type Db, type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { uniqueViolationText } from '#src/database/unique-violation';
import { type LinkedIdentity, UserIdentityEntity } from './user-identity.entity';
import { UserEntity } from './user.entity';

export interface NewIdentity {
  userId: string;
  provider: string;
  subject: string;
  email: string | null;
}

/** Which unique rule a link collided with: the identity is someone's already, or the account has this provider. */
export class IdentityConflict extends Error {
  constructor(readonly reason: 'identity_in_use' | 'provider_already_linked') {
    super(reason);
  }
}

export type UnlinkOutcome = 'unlinked' | 'not_linked' | 'last_login_method';

/** Linked provider identities as rows. No HTTP, no flow: callers decide what a conflict means. */
@Injectable()
export class UserIdentitiesRepository {
  constructor(private readonly database: TransactionRunner) {}

  listForUser(userId: string, db?: Db): Promise<LinkedIdentity[]> {
    return this.repository(db).find({ select: { provider: true, email: true, createdAt: true }, where: { userId }, order: { createdAt: 'ASC' } });
  }

  /** Unlinks the identities linked after `since`; returns their providers. */
  async unlinkLinkedSince(userId: string, since: Date, tx: Transaction): Promise<string[]> {
    const repository = this.repository(tx);
    const recent = await repository.find({ select: { id: true, provider: true }, where: { userId, createdAt: MoreThan(since) } });
    if (recent.length > 0) await repository.delete(recent.map((identity) => identity.id));
    return recent.map((identity) => identity.provider);
  }

  findBySubject(provider: string, subject: string): Promise<UserIdentityEntity | null> {
    return this.repository().findOneBy({ provider, subject });
  }

  /** Inserts the link; the two unique indexes settle races between parallel links. */
  async link(identity: NewIdentity, db?: Db): Promise<void> {
    const now = new Date();
    try {
      await this.repository(db).insert({ id: randomUUID(), ...identity, createdAt: now, lastUsedAt: now });
    } catch (error) {
      const text = uniqueViolationText(error) ?? '';
      if (/uq_user_identities_subject|user_identities\.provider, user_identities\.subject/.test(text)) throw new IdentityConflict('identity_in_use');
      if (/uq_user_identities_user_provider|user_identities\.user_id, user_identities\.provider/.test(text))
        throw new IdentityConflict('provider_already_linked');
      throw error;
    }
  }

  async markUsed(identityId: string): Promise<void> {
    await this.repository().update({ id: identityId }, { lastUsedAt: new Date() });
  }

  /**
   * Removes the link unless it is the account's last way to sign in (no password, no other provider).
   * The user row is locked first on PostgreSQL, so two parallel unlinks cannot each leave the other one last.
   */
  async unlinkUnlessLast(userId: string, provider: string, tx: Transaction): Promise<UnlinkOutcome> {
    const users = this.database.repository(UserEntity, tx).createQueryBuilder('user').addSelect('user.passwordHash').where('user.id = :userId', { userId });
    const user = await (this.database.isPostgres ? users.setLock('pessimistic_write') : users).getOne();
    if (!user) return 'not_linked';
    const linked = await this.repository(tx).find({ select: { id: true, provider: true }, where: { userId } });
    const target = linked.find((identity) => identity.provider === provider);
    if (!target) return 'not_linked';
    if (!user.passwordHash && linked.length === 1) return 'last_login_method';
    await this.repository(tx).delete({ id: target.id });
    return 'unlinked';
  }

  private repository(db?: Db): Repository<UserIdentityEntity> {
    return this.database.repository(UserIdentityEntity, db);
  }
}
