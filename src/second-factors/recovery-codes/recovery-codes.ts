import { randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IsNull, type Repository } from 'typeorm';
import { type Db, type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { SecretBox } from '../totp/secret-box';
import { RecoveryCodeEntity } from './recovery-code.entity';

const COUNT = 10;
// Crockford-like: no 0/O, 1/I/L to misread.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten single-use codes for when the second factor is lost: shown once, kept as HMACs. */
@Injectable()
export class RecoveryCodes {
  constructor(
    private readonly database: TransactionRunner,
    private readonly box: SecretBox,
  ) {}

  /** A new set; the old one stops working. */
  async replace(userId: string, tx: Transaction): Promise<string[]> {
    await this.rows(tx).delete({ userId });
    const codes = Array.from({ length: COUNT }, () => newRecoveryCode());
    const now = new Date();
    await this.rows(tx).insert(codes.map((code) => ({ id: randomUUID(), userId, codeHash: this.box.digest(normalize(code)), usedAt: null, createdAt: now })));
    return codes;
  }

  /** Uses the code up; false when it is not one of the account's unused codes (or a parallel request took it). */
  async consume(userId: string, code: string): Promise<boolean> {
    const result = await this.rows().update({ userId, codeHash: this.box.digest(normalize(code)), usedAt: IsNull() }, { usedAt: new Date() });
    return result.affected === 1;
  }

  async status(userId: string, db?: Db): Promise<{ remaining: number; createdAt: Date } | null> {
    const rows = await this.rows(db).find({ select: { usedAt: true, createdAt: true }, where: { userId } });
    if (rows.length === 0) return null;
    return { remaining: rows.filter((row) => row.usedAt === null).length, createdAt: rows[0].createdAt };
  }

  async removeAll(userId: string, tx: Transaction): Promise<void> {
    await this.rows(tx).delete({ userId });
  }

  private rows(db?: Db): Repository<RecoveryCodeEntity> {
    return this.database.repository(RecoveryCodeEntity, db);
  }
}

/** Two groups of five characters from 31: about 49 random bits. */
export function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export function normalize(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}
