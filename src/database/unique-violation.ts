import { QueryFailedError } from 'typeorm';

interface DriverError {
  code?: string;
  constraint?: string;
}

/**
 * For a failed write that broke a unique index, the text that names the index (PostgreSQL's constraint name,
 * or SQLite's "UNIQUE constraint failed: table.col, …" message); null for any other error. Callers match
 * their own indexes in it.
 */
export function uniqueViolationText(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) return null;
  const driverError = error.driverError as DriverError | undefined;
  // 23505: PostgreSQL unique_violation; better-sqlite3 reports SQLITE_CONSTRAINT_UNIQUE (and _PRIMARYKEY).
  if (driverError?.code !== '23505' && !/^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(driverError?.code ?? '')) return null;
  return `${error.message} ${driverError?.constraint ?? ''}`;
}
