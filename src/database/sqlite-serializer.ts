import type { DataSource, EntityManager } from 'typeorm';
import { BetterSqlite3QueryRunner } from 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner';
import type { BetterSqlite3Driver } from 'typeorm/driver/better-sqlite3/BetterSqlite3Driver';
import type { Database, Statement } from 'better-sqlite3';
import { Semaphore } from '#src/common/concurrency/semaphore';

// A plain statement waits this long for open transactions before it fails instead of hanging: waiting longer
// means a transaction's work ran a statement through something other than the transaction it was given.
const DEFAULT_MAX_WAIT_MS = 10_000;

/**
 * better-sqlite3 has one connection per file, and TypeORM one shared query runner on it: a transaction begun
 * while another is open would become a SAVEPOINT inside it (two requests committing or rolling back
 * together), and any statement of a third request would run inside whichever transaction is open.
 *
 * So transactions run one at a time on a query runner of their own, and plain statements go through a second
 * runner that waits while a transaction is open. Both are ordinary TypeORM runners on the same connection.
 * Promise-hook-free on purpose: AsyncLocalStorage would slow every request on Node 20.
 */
export class SqliteSerializer {
  readonly plainManager: EntityManager;
  private readonly transactionManager: EntityManager;
  private readonly oneAtATime = new Semaphore(1);
  private open: Promise<unknown> | null = null;
  private readonly driver: BetterSqlite3Driver;
  /** The hot path's own prepared statements, by SQL (a handful: RawRows' named reads). */
  private readonly statements = new Map<string, Statement>();

  constructor(dataSource: DataSource, maxWaitMs = DEFAULT_MAX_WAIT_MS) {
    const driver = dataSource.driver as BetterSqlite3Driver;
    this.driver = driver;
    const transactional = new BetterSqlite3QueryRunner(driver);
    this.transactionManager = dataSource.createEntityManager(transactional);
    Object.assign(transactional, { manager: this.transactionManager });
    const plain = new WaitingQueryRunner(driver, () => this.open, maxWaitMs);
    this.plainManager = dataSource.createEntityManager(plain);
    Object.assign(plain, { manager: this.plainManager });
  }

  /**
   * A read of the hot path (RawRows): while no transaction is open, straight to a prepared statement of its own.
   * TypeORM's query runner around the same statement (broadcaster, logger, result objects, two clock reads) cost
   * half as much again as the lookup itself (profiled: 18 µs of GET /me's 34 µs query). While a transaction is
   * open it goes through the plain runner, which waits for it: on the one connection, a read now would see the
   * transaction's uncommitted rows.
   */
  async read(sql: string, parameters: unknown[]): Promise<Array<Record<string, unknown>>> {
    if (this.open !== null) return this.plainManager.query(sql, parameters);
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = (this.driver.databaseConnection as Database).prepare(sql);
      this.statements.set(sql, statement);
    }
    // better-sqlite3 binds no booleans: 0/1, as TypeORM's runner does.
    return statement.all(...parameters.map((value) => (typeof value === 'boolean' ? Number(value) : value))) as Array<Record<string, unknown>>;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.oneAtATime.run(async () => {
      const open = this.transactionManager.transaction(work);
      this.open = open;
      try {
        return await open;
      } finally {
        this.open = null;
      }
    });
  }
}

/** A query runner whose statements wait until no transaction is open. */
class WaitingQueryRunner extends BetterSqlite3QueryRunner {
  constructor(
    driver: BetterSqlite3Driver,
    private readonly openTransaction: () => Promise<unknown> | null,
    private readonly maxWaitMs: number,
  ) {
    super(driver);
  }

  override async query(...args: Parameters<BetterSqlite3QueryRunner['query']>): ReturnType<BetterSqlite3QueryRunner['query']> {
    const deadline = Date.now() + this.maxWaitMs;
    for (let open = this.openTransaction(); open; open = this.openTransaction()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`a statement waited ${this.maxWaitMs} ms for a transaction: inside a transaction, use the transaction's handle`);
      await settledWithin(open, left);
    }
    return super.query(...args);
  }
}

/** Resolves when the promise settles or the time is up, whichever comes first. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([promise.then(noop, noop), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function noop(): void {}
