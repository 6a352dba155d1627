import { parseAppConfig } from './app.config';
import { ConfigError, type Env, EnvReader } from './env-reader';
import { settingsToken } from './settings-token';

export interface FactorsConfig {
  /** 32 bytes that encrypt TOTP secrets at rest (MFA_ENCRYPTION_KEY); null: a key generated under `keyFile`. */
  encryptionKey: Buffer | null;
  keyFile: string;
  /** The MfaToken of a sign-in that still needs its second factor. */
  mfaTokenTtl: number;
  /** A TOTP enrolment not confirmed within this time is dropped. */
  totpEnrolmentTtl: number;
  /** The issuer an authenticator app shows next to the account. */
  issuer: string;
}

function parseEncryptionKey(reader: EnvReader): Buffer | null {
  const value = reader.optionalString('MFA_ENCRYPTION_KEY');
  if (value === undefined) return null;
  const key = Buffer.from(value, /^[0-9a-f]{64}$/i.test(value) ? 'hex' : 'base64');
  if (key.length !== 32) throw new ConfigError('MFA_ENCRYPTION_KEY', 'must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)');
  return key;
}

export function parseFactorsConfig(env: Env): FactorsConfig {
  const reader = new EnvReader(env);
  const app = parseAppConfig(env);
  return {
    encryptionKey: parseEncryptionKey(reader),
    keyFile: `${app.dataDir}/keys/mfa-encryption.key`,
    mfaTokenTtl: reader.durationSeconds('MFA_TOKEN_TTL', '5m'),
    totpEnrolmentTtl: reader.durationSeconds('TOTP_ENROLMENT_TTL', '10m'),
    issuer: app.productName,
  };
}

export const factorsConfig = settingsToken<FactorsConfig>('factors', parseFactorsConfig);
