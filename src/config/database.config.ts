import { settingsToken } from './settings-token';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { parseAppConfig } from './app.config';
import { useTimestampTypes } from '../database/timestamp-column';
import { ConfigError, type Env, EnvReader } from './env-reader';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseConfig {
  kind: DatabaseKind;
  url?: string;
  sqlitePath: string;
  migrate: boolean;
}

export function parseDatabaseConfig(env: Env): DatabaseConfig {
  const reader = new EnvReader(env);
  const url = reader.optionalString('DATABASE_URL');
  if (url !== undefined && !/^postgres(ql)?:\/\//i.test(url)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// (or postgresql://) URL; leave it unset for the SQLite file under DATA_DIR');
  }
  return {
    kind: url === undefined ? 'sqlite' : 'postgres',
    url,
    sqlitePath: join(parseAppConfig(env).dataDir, 'profile.sqlite'),
    migrate: reader.bool('DB_MIGRATE', true),
  };
}

/** The TypeORM options shared by the application and the migration CLI (ormconfig.ts). */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  useTimestampTypes(config.kind);
  const migrations = [join(__dirname, '..', 'database', 'migrations', '*.{js,ts}')];
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

export const databaseConfig = settingsToken<DatabaseConfig>('database', parseDatabaseConfig);
