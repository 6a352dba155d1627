import { type KeyObject, hash } from 'node:crypto';

interface Verified<T> {
  kid: string;
  /** The key the signature was verified with: a hit needs it to be still the key of its `kid`. */
  key: KeyObject;
  /** `exp`, in seconds, as jsonwebtoken compares it. */
  expiresAt: number;
  value: T;
}

/**
 * Access tokens whose signature has been verified, so that a client sending the same token again (which a client
 * does for the token's whole life) is not verified again: the ECDSA verification and the JWT parsing around it
 * were a quarter of GET /me's CPU (BENCHMARKS.md, session 14). Only the signature's work is saved: a hit is the
 * exact token (by its SHA-256, so no bearer token is kept in the heap), still unexpired, whose key is still the
 * current key of its `kid` (a retired or replaced key ends its hits), and every request still checks the live
 * session. Bounded: past `capacity` the oldest entry goes.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, Verified<T>>();

  constructor(private readonly capacity = 10_000) {}

  /** What `remember` was given for this exact token, while it is unexpired and its key is still `currentKey(kid)`. */
  recall(token: string, currentKey: (kid: string) => KeyObject | undefined): T | undefined {
    const digest = digestOf(token);
    const entry = this.entries.get(digest);
    if (entry === undefined) return undefined;
    if (Math.floor(Date.now() / 1000) < entry.expiresAt && currentKey(entry.kid) === entry.key) return entry.value;
    this.entries.delete(digest);
    return undefined;
  }

  /** After the token's signature, `exp`, issuer, audience and claims were verified with `key`. */
  remember(token: string, kid: string, key: KeyObject, expiresAt: number, value: T): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digestOf(token), { kid, key, expiresAt, value });
  }

  get size(): number {
    return this.entries.size;
  }
}

// One-shot: a Hash object per request is a native object with a weak handle, which each scavenge has to process
// (BENCHMARKS.md, session 16).
function digestOf(token: string): string {
  return hash('sha256', token, 'base64');
}
