import { settingsToken } from './settings-token';
import { parseAppConfig } from './app.config';
import { ConfigError, type Env, EnvReader, type RateLimit } from './env-reader';

export type SigningAlgorithm = 'ES256' | 'EdDSA';

export interface AuthConfig {
  issuer: string;
  audience: string;
  algorithm: SigningAlgorithm;
  keysDir: string;
  /** PEM-encoded PKCS#8 private keys given by configuration; the last one signs, all of them verify. */
  privateKeys: string[];
  accessTokenTtl: number;
  refreshTokenTtl: number;
  /** Absolute lifetime of a session: refreshing never extends it past this, counted from sign-in. */
  sessionMaxAge: number;
  stepUpTtl: number;
  emailTokenTtl: number;
  revertTokenTtl: number;
  resetTokenTtl: number;
  emailRateLimit: RateLimit;
  /** A mail on a sign-in from a browser and IP not seen on the account in 90 days. */
  newSignInAlerts: boolean;
  /** Data exports per account. */
  exportRateLimit: RateLimit;
  reservedUsernames: string[];
  accountRateLimit: RateLimit;
  /** Wrong second-factor codes per account, across IPs; a right password never clears it. */
  mfaAccountRateLimit: RateLimit;
  ipRateLimit: RateLimit;
  /** How long the "this wasn't me" link of a security notice (and the unlock link) works. */
  lockTokenTtl: number;
  /** An unlock removes the second factors, passkeys and providers added this long before the lock. */
  lockLookback: number;
  redisUrl?: string;
  /** Namespaces this deployment's keys when several share one Redis. */
  redisKeyPrefix: string;
}

const DEFAULT_RESERVED = ['admin', 'administrator', 'root', 'support', 'security', 'system', 'api', 'me', 'null', 'undefined'];

function parsePrivateKeys(reader: EnvReader): string[] {
  const value = reader.raw('JWT_PRIVATE_KEYS');
  if (value === undefined) return [];
  const keys = value.replace(/\\n/g, '\n').match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g);
  if (!keys) throw new ConfigError('JWT_PRIVATE_KEYS', 'must hold one or more PEM "BEGIN PRIVATE KEY" blocks');
  return keys;
}

export function parseAuthConfig(env: Env): AuthConfig {
  const reader = new EnvReader(env);
  const app = parseAppConfig(env);
  return {
    issuer: reader.string('JWT_ISSUER', app.publicUrl),
    audience: reader.string('JWT_AUDIENCE', 'profile-service'),
    algorithm: reader.oneOf('JWT_ALGORITHM', ['ES256', 'EdDSA'] as const, 'ES256'),
    keysDir: `${app.dataDir}/keys`,
    privateKeys: parsePrivateKeys(reader),
    accessTokenTtl: reader.durationSeconds('ACCESS_TOKEN_TTL', '15m'),
    refreshTokenTtl: reader.durationSeconds('REFRESH_TOKEN_TTL', '30d'),
    sessionMaxAge: reader.durationSeconds('SESSION_MAX_AGE', '90d'),
    stepUpTtl: reader.durationSeconds('STEP_UP_TTL', '5m'),
    emailTokenTtl: reader.durationSeconds('EMAIL_TOKEN_TTL', '24h'),
    // REVERT_TOKEN_TTL is the contract's name; EMAIL_REVERT_TOKEN_TTL, the earlier one, is still read.
    revertTokenTtl: reader.durationSeconds('REVERT_TOKEN_TTL', reader.raw('EMAIL_REVERT_TOKEN_TTL') ?? '7d'),
    resetTokenTtl: reader.durationSeconds('RESET_TOKEN_TTL', '30m'),
    emailRateLimit: reader.rateLimit('EMAIL_RATE_LIMIT', '5/1h'),
    exportRateLimit: reader.rateLimit('EXPORT_RATE_LIMIT', '3/1h'),
    newSignInAlerts: reader.bool('NEW_SIGNIN_ALERTS', true),
    reservedUsernames: reader.list('USERNAME_RESERVED', DEFAULT_RESERVED).map((name) => name.toLowerCase()),
    accountRateLimit: reader.rateLimit('AUTH_RATE_LIMIT_ACCOUNT', '10/15m'),
    mfaAccountRateLimit: reader.rateLimit('MFA_RATE_LIMIT_ACCOUNT', '5/15m'),
    lockTokenTtl: reader.durationSeconds('LOCK_TOKEN_TTL', '7d'),
    lockLookback: reader.durationSeconds('LOCK_LOOKBACK', '7d'),
    ipRateLimit: reader.rateLimit('AUTH_RATE_LIMIT_IP', '100/15m'),
    redisUrl: reader.url('REDIS_URL'),
    redisKeyPrefix: reader.string('REDIS_KEY_PREFIX', 'profile:'),
  };
}

export const authConfig = settingsToken<AuthConfig>('auth', parseAuthConfig);
