import { settingsToken } from './settings-token';
import { ConfigError, type Env, EnvReader, parseDurationSeconds } from './env-reader';

export interface RetentionConfig {
  /** How long expired, revoked or used rows (sessions, link tokens, sign-in flows) are kept before the purge. */
  graceSeconds: number;
  securityEventSeconds: number;
  outboxSeconds: number;
  /** Accounts whose address was never verified are removed this long after registering. */
  unverifiedAccountSeconds: number;
  /** 0: the purge never runs on its own. */
  intervalSeconds: number;
  /** Rows per DELETE: short statements, so no lock is held for long. */
  batchSize: number;
}

export function parseRetentionConfig(env: Env): RetentionConfig {
  const reader = new EnvReader(env);
  const interval = reader.raw('RETENTION_INTERVAL') ?? '1h';
  const intervalSeconds = parseDurationSeconds(interval);
  if (intervalSeconds === undefined || intervalSeconds < 0) {
    throw new ConfigError('RETENTION_INTERVAL', `must be a duration such as 1h, or 0 to turn the purge off, got "${interval}"`);
  }
  return {
    graceSeconds: reader.durationSeconds('RETENTION_GRACE', '7d'),
    securityEventSeconds: reader.durationSeconds('SECURITY_EVENT_RETENTION', '365d'),
    outboxSeconds: reader.durationSeconds('OUTBOX_RETENTION', '7d'),
    unverifiedAccountSeconds: reader.durationSeconds('UNVERIFIED_ACCOUNT_TTL', '7d'),
    intervalSeconds,
    batchSize: reader.int('RETENTION_BATCH_SIZE', 1000, { min: 1, max: 100_000 }),
  };
}

export const retentionConfig = settingsToken<RetentionConfig>('retention', parseRetentionConfig);
