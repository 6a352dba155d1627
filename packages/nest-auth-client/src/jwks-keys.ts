import { type KeyObject, type JsonWebKey, createPublicKey } from 'node:crypto';

export interface PublicKey {
  alg: string;
  key: KeyObject;
}

/** An unknown `kid` refetches the set at most this often, so a flood of forged kids cannot hammer the service. */
const REFETCH_INTERVAL_MS = 10_000;
/** Keys are refreshed at least this often, so a retired key stops being trusted. */
const MAX_AGE_MS = 5 * 60_000;

/** The profile service's public keys from its JWKS, cached, refetched on an unknown `kid`. */
export class JwksKeys {
  private keys = new Map<string, PublicKey>();
  private fetchedAt = 0;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly jwksUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key of a token's header: of that `kid`, and of the header's own algorithm (never `none` or HS*). */
  async keyFor(kid: unknown, alg: unknown): Promise<PublicKey | null> {
    if (typeof kid !== 'string' || typeof alg !== 'string') return null;
    const age = this.now() - this.fetchedAt;
    if (age > MAX_AGE_MS || (!this.keys.has(kid) && age > REFETCH_INTERVAL_MS)) await this.refresh();
    const key = this.keys.get(kid);
    return key && key.alg === alg ? key : null;
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async load(): Promise<void> {
    const response = await fetch(this.jwksUrl, { signal: AbortSignal.timeout(3000) });
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
