import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '#src/config/database.config';
import { useTimestampTypes } from './timestamp-column';

/** The TypeORM options shared by the application and the migration CLI (ormconfig.ts). */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  useTimestampTypes(config.kind);
  const migrations = [join(__dirname, 'migrations', '*.{js,ts}')];
  const common = { synchronize: false, migrations, migrationsRun: config.migrate, migrationsTransactionMode: 'each' as const };
  if (config.kind === 'postgres') {
    // Bounded waits: with the database away, a request answers 503 within seconds instead of hanging.
    return { type: 'postgres', url: config.url, ...common, extra: { max: 10, connectionTimeoutMillis: 3000, query_timeout: 4000, keepAlive: true } };
  }
  return {
    type: 'better-sqlite3',
    database: config.sqlitePath,
    ...common,
    // WAL lets readers proceed while one writer commits.
    enableWAL: true,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    },
  };
}
