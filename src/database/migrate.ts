import { chmodSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** The PostgreSQL advisory lock migrations run under ('prof' 'migr' as two int4s; the purge has its own). */
const MIGRATION_LOCK_KEY = [0x70726f66, 0x6d696772] as const;
/** How long an instance waits for another's migrations before it gives up starting. */
const WAIT_LIMIT_MS = 10 * 60_000;
const POLL_MS = 250;

/**
 * Runs the pending migrations while holding a lock that every instance (and `npm run migration:run`) takes
 * first: of several instances started at once on one database, one migrates; the others wait, then find
 * nothing left to run. PostgreSQL: a session-level advisory lock, polled with pg_try_advisory_lock (a blocking
 * wait would meet the pool's query timeout). SQLite: an exclusive transaction on a lock file beside the
 * database (the OS releases it if the process dies), since TypeORM reads the list of applied migrations before
 * it takes any lock of its own.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<void> {
  const logger = new Logger('Migrations');
  const options = dataSource.options;
  if (options.type === 'postgres') {
    const runner = dataSource.createQueryRunner();
    try {
      const deadline = Date.now() + WAIT_LIMIT_MS;
      let told = false;
      for (;;) {
        const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1, $2) AS locked', [...MIGRATION_LOCK_KEY])) as Array<{ locked: boolean }>;
        if (locked) break;
        if (Date.now() > deadline) throw new Error(`another instance has held the migration lock for ${WAIT_LIMIT_MS / 60_000} minutes`);
        if (!told) logger.log('another instance is running the migrations; waiting for it');
        told = true;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      try {
        await dataSource.runMigrations({ transaction: 'each' });
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
    return;
  }
  if (options.type !== 'better-sqlite3') throw new Error(`migrations: unsupported database type ${options.type}`);
  const { default: Database } = await import('better-sqlite3');
  const lockPath = `${options.database}.migrations-lock`;
  const lock = new Database(lockPath, { timeout: WAIT_LIMIT_MS });
  try {
    chmodSync(lockPath, 0o600);
    lock.exec('BEGIN EXCLUSIVE');
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      lock.exec('COMMIT');
    }
  } finally {
    lock.close();
  }
}
