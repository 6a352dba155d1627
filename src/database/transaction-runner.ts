import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { PROFILE_CONNECTION } from './profile-connection';
import { RawRows } from './raw-rows';
import { SqliteSerializer } from './sqlite-serializer';

/** Where a repository runs a statement: outside any transaction, or inside one. */
export interface Db {
  readonly manager: EntityManager;
}

/** An open transaction: its statements go through `manager`; `afterCommit` tasks run only once it committed. */
export interface Transaction extends Db {
  afterCommit(task: () => void): void;
}

/**
 * The one way business code reaches the database: `run()` for a unit of work that commits or rolls back as
 * a whole, `plain` for a statement of its own. Repositories take one of these handles explicitly.
 *
 * On SQLite (one connection for the process) the runner serialises transactions itself: each runs alone on a
 * query runner of its own, and a plain statement waits while one is open, so nobody else's statement ever
 * lands inside another request's transaction. PostgreSQL gives each transaction its own connection.
 */
@Injectable()
export class TransactionRunner {
  readonly plain: Db;
  private readonly sqlite: SqliteSerializer | null;

  constructor(@InjectDataSource(PROFILE_CONNECTION) private readonly dataSource: DataSource) {
    this.sqlite = dataSource.options.type === 'better-sqlite3' ? new SqliteSerializer(dataSource) : null;
    this.plain = { manager: this.sqlite?.plainManager ?? dataSource.manager };
  }

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /**
   * Runs `work` in a transaction and returns its result once committed; its afterCommit tasks run then, in
   * order. Given an open transaction (`within`), `work` simply joins it.
   */
  async run<T>(work: (tx: Transaction) => Promise<T>, within?: Transaction): Promise<T> {
    if (within) return work(within);
    const tasks: Array<() => void> = [];
    const inTransaction = (manager: EntityManager) => work({ manager, afterCommit: (task) => tasks.push(task) });
    const result = this.sqlite ? await this.sqlite.transaction(inTransaction) : await this.dataSource.transaction(inTransaction);
    for (const task of tasks) task();
    return result;
  }

  /** The entity's TypeORM repository on this handle (outside a transaction when none is given). */
  repository<E extends ObjectLiteral>(entity: EntityTarget<E>, db: Db = this.plain): Repository<E> {
    return db.manager.getRepository(entity);
  }

  /** Hand-written SQL for a hot path over the entity's columns (see RawRows). */
  rawRows<E extends ObjectLiteral>(entity: EntityTarget<E>): RawRows<E> {
    const sqlite = this.sqlite;
    const read = sqlite
      ? (sql: string, parameters: unknown[]) => sqlite.read(sql, parameters)
      : (sql: string, parameters: unknown[]) => this.plain.manager.query(sql, parameters);
    return new RawRows<E>(this.dataSource, this.dataSource.getMetadata(entity), read);
  }

  /**
   * Runs `work` while this instance holds the named PostgreSQL advisory lock, or returns null at once when
   * another instance holds it. SQLite has one process per file: `work` just runs.
   */
  async exclusively<T>(lockKey: readonly [number, number], work: () => Promise<T>): Promise<T | null> {
    if (!this.isPostgres) return work();
    // The lock belongs to one connection: take and give it back on the same runner.
    const runner = this.dataSource.createQueryRunner();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1, $2) AS locked', [...lockKey])) as Array<{ locked: boolean }>;
      if (!locked) return null;
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, $2)', [...lockKey]);
      }
    } finally {
      await runner.release();
    }
  }
}
