import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { Semaphore } from '../common/concurrency/semaphore';

/**
 * TypeORM gives better-sqlite3 one shared connection, and a transaction begun while another is open becomes
 * a SAVEPOINT inside it: two requests' transactions then commit or roll back together, and a plain query
 * from a third request runs inside whichever transaction is open. This makes each transaction exclusive:
 * transactions wait for one another, and a query from outside waits until no transaction is open. Queries
 * of the transaction itself (and nested transactions) are recognised through AsyncLocalStorage.
 * PostgreSQL has a connection per transaction and needs none of this.
 */
export function serializeSqliteTransactions(dataSource: DataSource): DataSource {
  if (dataSource.options.type !== 'better-sqlite3') return dataSource;
  const insideTransaction = new AsyncLocalStorage<true>();
  const oneAtATime = new Semaphore(1);
  let running: Promise<unknown> = Promise.resolve();

  const manager: EntityManager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  const exclusive = (...args: unknown[]): Promise<unknown> => {
    if (insideTransaction.getStore()) return transaction(...args);
    return oneAtATime.run(() => {
      running = insideTransaction.run(true, () => transaction(...args));
      return running;
    });
  };
  manager.transaction = exclusive;

  // The driver hands out this one runner for every query.
  const runner: QueryRunner = dataSource.driver.createQueryRunner('master');
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = (async (...args: unknown[]) => {
    while (runner.isTransactionActive && !insideTransaction.getStore()) await running.catch(() => undefined);
    return query(...args);
  }) as QueryRunner['query'];
  return dataSource;
}
