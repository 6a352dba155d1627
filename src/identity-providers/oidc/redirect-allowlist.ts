import type { AllowedRedirect } from '#src/config/oidc.config';

const MAX_REDIRECT_LENGTH = 2048;

/**
 * The redirect as an absolute URL when it is on the allow-list, else null: same scheme, host and port as an
 * entry, and a path equal to the entry's or below it on a segment boundary (`/app` allows `/app/x`, not
 * `/application`). The URL parser has already resolved dot segments, backslashes and encoded dots, so
 * `/app/../admin` is judged as `/admin`.
 */
export function allowedRedirect(value: string, allowlist: readonly AllowedRedirect[]): string | null {
  if (value.length > MAX_REDIRECT_LENGTH || !URL.canParse(value)) return null;
  const url = new URL(value);
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password) return null;
  const allowed = allowlist.some(({ origin, pathPrefix }) => url.origin === origin && isUnder(url.pathname, pathPrefix));
  return allowed ? url.toString() : null;
}

function isUnder(path: string, prefix: string): boolean {
  if (prefix === '/' || path === prefix) return true;
  return path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** The redirect with `error=<code>` added, for failures the browser is sent back with. */
export function withError(redirect: string, error: string): string {
  const url = new URL(redirect);
  url.searchParams.set('error', error);
  return url.toString();
}
