import { settingsToken } from './settings-token';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { ConfigError, type Env, EnvReader } from './env-reader';

export type TrustProxy = boolean | number | string[];

export interface AppConfig {
  production: boolean;
  port: number;
  publicUrl: string;
  dataDir: string;
  logLevel: string;
  /** `pretty` (one coloured line per event, for a terminal) or `json` (one object per line, for a collector). */
  logFormat: 'pretty' | 'json';
  trustProxy: TrustProxy;
  corsOrigins: string[];
  cookieSecure: boolean;
  productName: string;
  /** DEFAULT_LOCALE: the language of mails and pages for an account whose locale has no catalogue. */
  defaultLocale: string;
}

/** An address, a CIDR range, or one of proxy-addr's names (loopback, linklocal, uniquelocal). */
function isAddressOrRange(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || isIP(address) === 0) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128));
}

function parseTrustProxy(reader: EnvReader): TrustProxy {
  const value = reader.raw('TRUST_PROXY');
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const list = reader.list('TRUST_PROXY', []);
  const bad = list.find((entry) => !isAddressOrRange(entry));
  if (list.length === 0 || bad !== undefined) {
    throw new ConfigError('TRUST_PROXY', `must be true, false, a hop count or a comma list of addresses/CIDRs${bad ? `; "${bad}" is none of those` : ''}`);
  }
  return list;
}

function parseLocale(value: string): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    if (canonical) return canonical;
  } catch {
    // reported below
  }
  throw new ConfigError('DEFAULT_LOCALE', `must be a BCP 47 language tag such as en or de-AT; "${value}" is not one`);
}

/** `stdoutIsTerminal` chooses the default log format: pretty in a terminal, JSON everywhere else. */
export function parseAppConfig(env: Env, stdoutIsTerminal = process.stdout.isTTY === true): AppConfig {
  const reader = new EnvReader(env);
  const production = reader.string('NODE_ENV', 'development') === 'production';
  const port = reader.int('PORT', 3000, { min: 0, max: 65535 });
  const publicUrl = reader.url('PUBLIC_URL', `http://localhost:${port}`) as string;
  return {
    production,
    port,
    publicUrl,
    dataDir: resolve(reader.string('DATA_DIR', './data')),
    logLevel: reader.oneOf('LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info'),
    logFormat: reader.oneOf('LOG_FORMAT', ['pretty', 'json'], stdoutIsTerminal ? 'pretty' : 'json'),
    trustProxy: parseTrustProxy(reader),
    corsOrigins: reader.list('CORS_ORIGINS', []),
    // A service reached over https never needs a cookie sent in the clear.
    cookieSecure: reader.bool('COOKIE_SECURE', production || publicUrl.startsWith('https:')),
    productName: reader.string('PRODUCT_NAME', 'Profile'),
    defaultLocale: parseLocale(reader.string('DEFAULT_LOCALE', 'en')),
  };
}

export const appConfig = settingsToken<AppConfig>('app', parseAppConfig);
