import { Injectable } from '@nestjs/common';
import { MoreThan, type Repository } from 'typeorm';
import { type Db, type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { uniqueViolationText } from '#src/database/unique-violation';
import { PasskeyEntity } from './passkey.entities';

/** The `passkeys` table: the stored credentials (public keys, never a secret) and their signature counters. */
@Injectable()
export class PasskeysRepository {
  constructor(private readonly database: TransactionRunner) {}

  list(userId: string, db?: Db): Promise<PasskeyEntity[]> {
    return this.rows(db).find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  any(userId: string, db?: Db): Promise<boolean> {
    return this.rows(db).existsBy({ userId });
  }

  count(userId: string, db?: Db): Promise<number> {
    return this.rows(db).countBy({ userId });
  }

  /** False when the credential id is registered already (to this account or another). */
  async insert(passkey: PasskeyEntity, tx: Transaction): Promise<boolean> {
    try {
      await this.rows(tx).insert(passkey);
      return true;
    } catch (error) {
      if (uniqueViolationText(error)?.includes('credential') !== true) throw error;
      return false;
    }
  }

  findByCredentialId(credentialId: string): Promise<PasskeyEntity | null> {
    return this.rows().findOneBy({ credentialId });
  }

  /** Records a use, conditional on the counter the caller read: of two racing answers, one wins (true). */
  async recordUse(passkey: PasskeyEntity, used: Pick<PasskeyEntity, 'signCount' | 'lastUsedAt' | 'backedUp' | 'deviceType'>): Promise<boolean> {
    return (await this.rows().update({ id: passkey.id, signCount: passkey.signCount }, used)).affected === 1;
  }

  async rename(userId: string, id: string, name: string): Promise<PasskeyEntity | null> {
    const result = await this.rows().update({ id, userId }, { name });
    return result.affected === 1 ? this.rows().findOneBy({ id, userId }) : null;
  }

  async remove(userId: string, id: string, tx: Transaction): Promise<boolean> {
    return ((await this.rows(tx).delete({ id, userId })).affected ?? 0) > 0;
  }

  /** How many went. */
  async removeCreatedSince(userId: string, since: Date, tx: Transaction): Promise<number> {
    return (await this.rows(tx).delete({ userId, createdAt: MoreThan(since) })).affected ?? 0;
  }

  private rows(db?: Db): Repository<PasskeyEntity> {
    return this.database.repository(PasskeyEntity, db);
  }
}
