import { Injectable } from '@nestjs/common';
import type { EntityTarget, FindOptionsWhere } from 'typeorm';
import type { Transaction } from '#src/database/transaction-runner';

/** One kind of row the purge deletes, declared by the module that owns the table. */
export interface RetentionRule<T> {
  /** The name in the purge's report and log ("sessions", "mail jobs"). */
  name: string;
  entity: EntityTarget<T>;
  key: keyof T & string;
  /** One condition per statement: each is one index range. */
  conditions: (now: number) => Array<FindOptionsWhere<T>>;
  /** Told the keys of each deleted batch, inside the transaction that deletes it (with the `remember`ed columns of those rows). */
  deleted?: (keys: string[], tx: Transaction, rows: Array<Partial<T>>) => Promise<void>;
  /** Columns read before the delete and handed to `deleted` (an address to say goodbye to). */
  remember?: Array<keyof T & string>;
  /**
   * Deletes whole accounts: runs before every other rule, because the deletion cascades into other tables and
   * records events that the rules after it purge in the same run.
   */
  deletesAccounts?: true;
}

/** `seconds` before `now`, as a date for a `LessThan` condition. */
export const ago = (now: number, seconds: number): Date => new Date(now - seconds * 1000);

/**
 * The rules every module adds (in its `onModuleInit`) for its own tables. The purge runs the account rules
 * first, then the others in the order they were added (the modules' dependency order).
 */
@Injectable()
export class RetentionRules {
  private readonly rules: Array<RetentionRule<object>> = [];

  add<T extends object>(...rules: Array<RetentionRule<T>>): void {
    for (const rule of rules) {
      if (this.rules.some((known) => known.name === rule.name)) throw new Error(`retention rule "${rule.name}" is added twice`);
      this.rules.push(rule as unknown as RetentionRule<object>);
    }
  }

  all(): ReadonlyArray<RetentionRule<object>> {
    return [...this.rules.filter((rule) => rule.deletesAccounts), ...this.rules.filter((rule) => !rule.deletesAccounts)];
  }
}
