import { settingsToken } from './settings-token';
import { ConfigError, type Env, EnvReader, parseDurationSeconds } from './env-reader';

export interface DeletionConfig {
  /** 0: `DELETE /me` deletes at once; otherwise it schedules the deletion this far ahead, cancellable meanwhile. */
  graceSeconds: number;
  /** The services that must confirm each erasure (`erasure.confirmed`); none: nobody is waited for. */
  expectedServices: string[];
  /** An erasure some expected service has not confirmed this long after the deletion is overdue. */
  deadlineSeconds: number;
}

const SERVICE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function parseDeletionConfig(env: Env): DeletionConfig {
  const reader = new EnvReader(env);
  const grace = reader.raw('ACCOUNT_DELETION_GRACE') ?? '0';
  const graceSeconds = parseDurationSeconds(grace);
  if (graceSeconds === undefined) throw new ConfigError('ACCOUNT_DELETION_GRACE', `must be a duration such as 14d, or 0 to delete at once, got "${grace}"`);
  const expectedServices = reader.list('ERASURE_EXPECTED_SERVICES', []);
  const bad = expectedServices.find((name) => !SERVICE_NAME.test(name));
  if (bad !== undefined)
    throw new ConfigError('ERASURE_EXPECTED_SERVICES', `must be a comma-separated list of service names (letters, digits, . _ -), got "${bad}"`);
  return { graceSeconds, expectedServices: [...new Set(expectedServices)], deadlineSeconds: reader.durationSeconds('ERASURE_DEADLINE', '72h') };
}

export const deletionConfig = settingsToken<DeletionConfig>('deletion', parseDeletionConfig);
