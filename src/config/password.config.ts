import { parseAppConfig } from './app.config';
import { ConfigError, type Env, EnvReader } from './env-reader';
import { settingsToken } from './settings-token';

export interface PasswordPolicyConfig {
  minLength: number;
  maxLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireDigit: boolean;
  requireSpecial: boolean;
  rejectCommon: boolean;
  rejectUserInfo: boolean;
  /** Words of this deployment a password may not contain (PASSWORD_CONTEXT_WORDS; default the product's name, PRODUCT_NAME). */
  contextWords: string[];
}

export interface PasswordConfig {
  bcryptCost: number;
  policy: PasswordPolicyConfig;
  /** The Pwned Passwords range API; null: no breach check (PWNED_PASSWORDS_URL empty). */
  pwnedPasswordsUrl: string | null;
}

/** NIST SP 800-63B-4: 15 characters for a password that may be the only factor, and never fewer than 8. */
const DEFAULT_MIN_LENGTH = 15;
const LOWEST_MIN_LENGTH = 8;

export function parsePasswordConfig(env: Env): PasswordConfig {
  const reader = new EnvReader(env);
  const app = parseAppConfig(env);
  const bcryptCost = reader.int('BCRYPT_COST', 12, { min: 4, max: 16 });
  if (app.production && bcryptCost < 10) throw new ConfigError('BCRYPT_COST', 'must be at least 10 when NODE_ENV=production');
  const maxLength = reader.int('PASSWORD_MAX_LENGTH', 128, { min: LOWEST_MIN_LENGTH, max: 1024 });
  const minLength = reader.int('PASSWORD_MIN_LENGTH', DEFAULT_MIN_LENGTH, { min: LOWEST_MIN_LENGTH, max: maxLength });
  // No composition rules by default; PASSWORD_REQUIRE_CLASSES turns the four on (each class can still be asked alone).
  const classes = reader.bool('PASSWORD_REQUIRE_CLASSES', false);
  // Unset: the public API. Set but empty: no breach check (the reader treats an empty value as unset, hence `env`).
  const pwnedPasswordsUrl = env.PWNED_PASSWORDS_URL === undefined ? 'https://api.pwnedpasswords.com/range/' : (reader.url('PWNED_PASSWORDS_URL') ?? null);
  return {
    bcryptCost,
    policy: {
      minLength,
      maxLength,
      requireLowercase: reader.bool('PASSWORD_REQUIRE_LOWERCASE', classes),
      requireUppercase: reader.bool('PASSWORD_REQUIRE_UPPERCASE', classes),
      requireDigit: reader.bool('PASSWORD_REQUIRE_DIGIT', classes),
      requireSpecial: reader.bool('PASSWORD_REQUIRE_SPECIAL', classes),
      rejectCommon: reader.bool('PASSWORD_REJECT_COMMON', true),
      rejectUserInfo: reader.bool('PASSWORD_REJECT_USER_INFO', true),
      contextWords: reader
        .list('PASSWORD_CONTEXT_WORDS', [app.productName])
        .map((word) => word.trim().toLowerCase())
        .filter(Boolean),
    },
    pwnedPasswordsUrl,
  };
}

export const passwordConfig = settingsToken<PasswordConfig>('password', parsePasswordConfig);
