import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { isOutage } from '#src/common/errors/outage';
import { runMigrationsLocked } from './migrate';

/** How long a starting service waits for a database that is not up yet (a container starting beside it). */
const ATTEMPTS = 5;
const DELAY_MS = 2000;

/** A database URL fit for a log line: the password replaced. */
export function redactedUrl(url: string): string {
  const parsed = URL.parse(url);
  if (!parsed) return '(an unparsable URL)';
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Why a start stopped at PostgreSQL, in one line that names the setting and what was tried. */
export class DatabaseStartError extends Error {
  constructor(url: string, cause: unknown, attempts?: number) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const tried = attempts === undefined ? 'could not be opened' : `cannot be reached after ${attempts} attempts`;
    super(`The database of DATABASE_URL (${redactedUrl(url)}) ${tried}: ${reason}`);
    this.name = 'DatabaseStartError';
  }
}

/**
 * Opens the connection and, when `migrationsRun` is set, runs the migrations under the migration lock (several
 * instances may start at once). An unreachable PostgreSQL is retried a few times, one warning line each, then
 * reported as one line; any other failure (a wrong password, a missing database, a failing migration) at once.
 */
export async function connectDataSource(
  options: DataSourceOptions,
  sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<DataSource> {
  const logger = new Logger('Database');
  const url = options.type === 'postgres' ? options.url : undefined;
  for (let attempt = 1; ; attempt += 1) {
    try {
      // TypeORM's own migrationsRun takes no lock: two instances would both run the first pending migration.
      const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
      if (options.migrationsRun) await migrateOrClose(dataSource);
      return dataSource;
    } catch (error) {
      if (url === undefined) throw error;
      if (!isOutage(error)) throw new DatabaseStartError(url, error);
      if (attempt === ATTEMPTS) throw new DatabaseStartError(url, error, attempt);
      logger.warn(
        `${redactedUrl(url)} is not reachable (${error instanceof Error ? error.message : String(error)}); trying again in ${DELAY_MS / 1000} s (${attempt}/${ATTEMPTS})`,
      );
      await sleep(DELAY_MS);
    }
  }
}

async function migrateOrClose(dataSource: DataSource): Promise<void> {
  try {
    await runMigrationsLocked(dataSource);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}
