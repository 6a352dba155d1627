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
  webauthn: WebAuthnConfig;
}

/** The relying party passkeys are made for, and the pages allowed to use them. */
export interface WebAuthnConfig {
  rpId: string;
  rpName: string;
  origins: string[];
  /** How long a registration or sign-in ceremony may take before its challenge is void. */
  challengeTtl: number;
}

function parseEncryptionKey(reader: EnvReader): Buffer | null {
  const value = reader.optionalString('MFA_ENCRYPTION_KEY');
  if (value === undefined) return null;
  const key = Buffer.from(value, /^[0-9a-f]{64}$/i.test(value) ? 'hex' : 'base64');
  if (key.length !== 32) throw new ConfigError('MFA_ENCRYPTION_KEY', 'must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)');
  return key;
}

function parseWebAuthn(reader: EnvReader, publicUrl: string): WebAuthnConfig {
  const origins = reader.list('WEBAUTHN_ORIGINS', [new URL(publicUrl).origin]).map((value) => {
    try {
      return new URL(value).origin;
    } catch {
      throw new ConfigError('WEBAUTHN_ORIGINS', `must list origins such as https://app.example.com, got "${value}"`);
    }
  });
  const rpId = reader.string('WEBAUTHN_RP_ID', new URL(publicUrl).hostname).toLowerCase();
  // A browser accepts an rp id only when it is the page's host or a suffix of it: refuse a setting no origin can use.
  const usable = origins.filter((origin) => {
    const host = new URL(origin).hostname;
    return host === rpId || host.endsWith(`.${rpId}`);
  });
  if (usable.length === 0)
    throw new ConfigError('WEBAUTHN_RP_ID', `"${rpId}" is not the host (or a parent domain) of any of WEBAUTHN_ORIGINS (${origins.join(', ')})`);
  return { rpId, rpName: reader.string('WEBAUTHN_RP_NAME', 'Profile service'), origins, challengeTtl: reader.durationSeconds('WEBAUTHN_CHALLENGE_TTL', '5m') };
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
    webauthn: parseWebAuthn(reader, app.publicUrl),
  };
}

export const factorsConfig = settingsToken<FactorsConfig>('factors', parseFactorsConfig);
