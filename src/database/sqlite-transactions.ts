import type { DataSource, QueryRunner } from 'typeorm';
import { Semaphore } from '../common/concurrency/semaphore';

// A plain query waits this long for open transactions before it fails instead of hanging: waiting longer
// means a transaction's callback queried through something other than the manager it was given.
const DEFAULT_MAX_WAIT_MS = 10_000;

/**
 * TypeORM gives better-sqlite3 one shared query runner, and a transaction begun while another is open
 * becomes a SAVEPOINT inside it: two requests' transactions then commit or roll back together, and any
 * query of a third request runs inside whichever transaction is open.
 *
 * Here transactions get a runner of their own (on the same connection) and run one at a time, and a query
 * through the shared runner waits while a transaction is open. Inside a transaction, query through the
 * `manager` the callback receives (as every repository method here does when given one). Promise-hook-free
 * on purpose: AsyncLocalStorage would slow every request on Node 20. PostgreSQL has a connection per
 * transaction and needs none of this.
 */
export function serializeSqliteTransactions(dataSource: DataSource, maxWaitMs = DEFAULT_MAX_WAIT_MS): DataSource {
  if (dataSource.options.type !== 'better-sqlite3') return dataSource;
  const shared = dataSource.driver.createQueryRunner('master');
  const RunnerClass = shared.constructor as new (driver: DataSource['driver']) => QueryRunner;
  const transactional = new RunnerClass(dataSource.driver);
  Object.assign(transactional, { manager: dataSource.createEntityManager(transactional) });

  const oneAtATime = new Semaphore(1);
  let open: Promise<unknown> | null = null;
  const transaction = transactional.manager.transaction.bind(transactional.manager) as (...args: unknown[]) => Promise<unknown>;
  const exclusive = (...args: unknown[]): Promise<unknown> =>
    oneAtATime.run(async () => {
      open = transaction(...args);
      try {
        return await open;
      } finally {
        open = null;
      }
    });
  dataSource.manager.transaction = exclusive;

  const query = shared.query.bind(shared) as (...args: unknown[]) => Promise<unknown>;
  shared.query = (async (...args: unknown[]) => {
    const deadline = Date.now() + maxWaitMs;
    while (open) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`a query waited ${maxWaitMs} ms for a transaction: inside a transaction, query through its manager`);
      await settledWithin(open, left);
    }
    return query(...args);
  }) as QueryRunner['query'];
  return dataSource;
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
