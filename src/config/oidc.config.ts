import { settingsToken } from './settings-token';
import { parseAppConfig } from './app.config';
import { ConfigError, type Env, EnvReader } from './env-reader';

export interface OidcProviderConfig {
  /** The path segment and the `provider` of linked identities: `[a-z0-9-]`, at most 32 characters. */
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
}

/** A redirect target clients may ask for: the exact origin, and a path prefix on a segment boundary. */
export interface AllowedRedirect {
  origin: string;
  pathPrefix: string;
}

export interface OidcConfig {
  providers: OidcProviderConfig[];
  redirectAllowlist: AllowedRedirect[];
  /** Where the callback sends the browser when the flow named no redirect (and with `error=` when it cannot tell). */
  defaultRedirect: string;
  /** The base of the callback URL registered with every provider: `<base>/<provider>/callback`. */
  callbackBaseUrl: string;
  /** How long a started flow (its `state`) may take to come back. */
  flowTtl: number;
}

const PROVIDER_ID = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
// "password" names the password login method in `identityProviders`.
const RESERVED_IDS = new Set(['password']);

function parseProvider(entry: unknown, index: number): OidcProviderConfig {
  const fail = (problem: string): never => {
    throw new ConfigError('OIDC_PROVIDERS', `entry ${index}: ${problem}`);
  };
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail('must be an object');
  const { id, issuer, clientId, clientSecret, scopes, name } = entry as Record<string, unknown>;
  if (typeof id !== 'string' || !PROVIDER_ID.test(id) || RESERVED_IDS.has(id)) return fail('id must be 1-32 characters of a-z, 0-9 and - (and not "password")');
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) return fail('issuer must be an absolute URL');
  const issuerUrl = new URL(issuer);
  if (issuerUrl.protocol !== 'https:' && !isLoopback(issuerUrl.hostname)) return fail('issuer must use https (plain http only on loopback)');
  if (typeof clientId !== 'string' || clientId.length === 0) return fail('clientId is required');
  if (clientSecret !== undefined && (typeof clientSecret !== 'string' || clientSecret.length === 0)) return fail('clientSecret must be a non-empty string');
  if (name !== undefined && (typeof name !== 'string' || name.trim().length === 0)) return fail('name must be a non-empty string');
  const scopeList: unknown = scopes === undefined ? ['openid', 'email', 'profile'] : scopes;
  if (!isScopeList(scopeList)) return fail('scopes must be a list of scope names');
  const finalScopes = scopeList.includes('openid') ? scopeList : ['openid', ...scopeList];
  return { id, name: name?.trim() ?? id, issuer: issuer.replace(/\/$/, ''), clientId, clientSecret, scopes: finalScopes };
}

function isScopeList(value: unknown): value is string[] {
  // RFC 6749 scope-token characters.
  return Array.isArray(value) && value.every((scope) => typeof scope === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope));
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function parseProviders(reader: EnvReader): OidcProviderConfig[] {
  const value = reader.raw('OIDC_PROVIDERS');
  if (value === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError('OIDC_PROVIDERS', 'must be a JSON list of { id, issuer, clientId, clientSecret?, scopes?, name? }');
  }
  if (!Array.isArray(parsed)) throw new ConfigError('OIDC_PROVIDERS', 'must be a JSON list');
  const providers = parsed.map(parseProvider);
  const ids = new Set(providers.map((provider) => provider.id));
  if (ids.size !== providers.length) throw new ConfigError('OIDC_PROVIDERS', 'provider ids must be unique');
  return providers;
}

/** `https://app.example/after` allows that path and everything under it on exactly that origin. */
export function parseAllowedRedirect(value: string, variable: string): AllowedRedirect {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, `"${value}" is not an absolute URL`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw new ConfigError(variable, `"${value}" must be an http(s) URL without credentials, query or fragment`);
  }
  return { origin: url.origin, pathPrefix: url.pathname };
}

export function parseOidcConfig(env: Env): OidcConfig {
  const reader = new EnvReader(env);
  const app = parseAppConfig(env);
  const defaultRedirect = reader.url('OIDC_DEFAULT_REDIRECT', `${app.publicUrl}/api/docs`) as string;
  const allowlist = reader.list('OIDC_REDIRECT_ALLOWLIST', []).map((entry) => parseAllowedRedirect(entry, 'OIDC_REDIRECT_ALLOWLIST'));
  return {
    providers: parseProviders(reader),
    // The default target is always allowed: it is the operator's own choice.
    redirectAllowlist: [...allowlist, parseAllowedRedirect(defaultRedirect, 'OIDC_DEFAULT_REDIRECT')],
    defaultRedirect,
    callbackBaseUrl: `${app.publicUrl}/api/auth/oidc`,
    flowTtl: reader.durationSeconds('OIDC_FLOW_TTL', '10m'),
  };
}

export const oidcConfig = settingsToken<OidcConfig>('oidc', parseOidcConfig);
