/** Socket-level failures: the peer (database, cache, storage) is unreachable or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** PostgreSQL SQLSTATEs of an outage rather than a mistake: connection exceptions, shutdown, out of resources. */
const SQLSTATE_OUTAGE = /^(08|53|57P0)/;

/** What node-postgres (and TypeORM over it) says when it has no connection to give. */
const DRIVER_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection is not established|database is locked/i;

/**
 * Whether an unexpected error is a dependency being away (503 SERVICE_UNAVAILABLE, retry later) rather
 * than a bug (500). TypeORM wraps driver errors and keeps the driver's error as `driverError`.
 */
export function isOutage(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && typeof current === 'object' && depth < 4; depth += 1) {
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
    if (name === 'TimeoutError') return true;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE_OUTAGE.test(code) || code === 'SQLITE_BUSY')) return true;
    if (typeof message === 'string' && DRIVER_MESSAGES.test(message)) return true;
    const next = current as { driverError?: unknown; cause?: unknown };
    current = next.driverError ?? next.cause;
  }
  return false;
}
