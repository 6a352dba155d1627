import { type KeyObject, type JsonWebKey, createPublicKey } from 'node:crypto';

export interface PublicKey {
  alg: string;
  key: KeyObject;
}

/** How the key set is cached; every field has a default. */
export interface JwksCacheOptions {
  /** Fetches of the set are at least this far apart, whatever the `kid`s asked for (default 10 s). */
  refetchIntervalMs?: number;
  /** Keys older than this are refreshed in the background, still serving meanwhile (default 5 min). */
  maxAgeMs?: number;
  /**
   * While the service cannot be reached, the keys last fetched keep verifying tokens for this long after that
   * fetch (default 24 h); past it, every token is refused until a fetch succeeds.
   */
  maxStaleMs?: number;
}

const DEFAULTS: Required<JwksCacheOptions> = { refetchIntervalMs: 10_000, maxAgeMs: 5 * 60_000, maxStaleMs: 24 * 3600_000 };
const FETCH_TIMEOUT_MS = 3000;

/**
 * The profile service's public keys from its JWKS, cached. A token's request waits for a fetch only when there
 * is nothing to verify it with yet: the first token, or an unknown `kid` (a rotated key) once the last attempt
 * is `refetchIntervalMs` old. Old keys are refreshed in the background (stale-while-revalidate); a failed fetch
 * counts as an attempt too, so an outage of the service costs one fetch per interval, never one per request;
 * never more than one fetch is in flight.
 */
export class JwksKeys {
  private readonly settings: Required<JwksCacheOptions>;
  private keys = new Map<string, PublicKey>();
  /** The last successful fetch; 0: none yet. */
  private fetchedAt = 0;
  /** The last fetch started, successful or not. */
  private attemptedAt = -Infinity;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly jwksUrl: string,
    options: JwksCacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.settings = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) };
  }

  /** The key of a token's header: of that `kid`, and of the header's own algorithm (never `none` or HS*). */
  async keyFor(kid: unknown, alg: unknown): Promise<PublicKey | null> {
    if (typeof kid !== 'string' || typeof alg !== 'string') return null;
    const now = this.now();
    const mayFetch = this.inFlight !== null || now - this.attemptedAt >= this.settings.refetchIntervalMs;
    const usable = this.fetchedAt > 0 && now - this.fetchedAt <= this.settings.maxStaleMs;
    if ((!usable || !this.keys.has(kid)) && mayFetch) {
      // Nothing to verify this token with: wait for the set (a failure leaves what was cached).
      await this.refresh().catch(() => undefined);
    } else if (now - this.fetchedAt > this.settings.maxAgeMs && mayFetch) {
      void this.refresh().catch(() => undefined);
    }
    if (this.fetchedAt === 0 || this.now() - this.fetchedAt > this.settings.maxStaleMs) return null;
    const key = this.keys.get(kid);
    return key && key.alg === alg ? key : null;
  }

  private refresh(): Promise<void> {
    if (!this.inFlight) {
      this.attemptedAt = this.now();
      this.inFlight = this.load().finally(() => (this.inFlight = null));
    }
    return this.inFlight;
  }

  private async load(): Promise<void> {
    const response = await fetch(this.jwksUrl, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`JWKS ${this.jwksUrl} answered ${response.status}`);
    const { keys } = (await response.json()) as { keys: Array<JsonWebKey & { kid?: string; alg?: string; use?: string }> };
    const next = new Map<string, PublicKey>();
    for (const jwk of keys) {
      if (!jwk.kid || !jwk.alg || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      next.set(jwk.kid, { alg: jwk.alg, key: createPublicKey({ key: jwk, format: 'jwk' }) });
    }
    this.keys = next;
    this.fetchedAt = this.now();
  }
}
