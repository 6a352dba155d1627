import { settingsToken } from './settings-token';
import { join } from 'node:path';
import { parseAppConfig } from './app.config';
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

export const databaseConfig = settingsToken<DatabaseConfig>('database', parseDatabaseConfig);
