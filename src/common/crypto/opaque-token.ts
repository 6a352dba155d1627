import { hash, randomBytes } from 'node:crypto';

/** An opaque bearer secret (refresh tokens, email link tokens): 256 random bits, URL-safe. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The secrets carry 256 bits of entropy, so a plain SHA-256 is a safe storage and lookup key. */
export function hashOpaqueToken(token: string): string {
  return hash('sha256', token, 'hex');
}
