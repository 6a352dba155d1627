import type { ClientProxy } from '@nestjs/microservices';
import type { JwksCacheOptions } from './jwks-keys';

export const PROFILE_AUTH_OPTIONS = Symbol('PROFILE_AUTH_OPTIONS');

export interface ProfileAuthOptions {
  /** The profile service's key set, e.g. `https://id.example.com/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Its `JWT_ISSUER` (by default its PUBLIC_URL). Required: an empty value is refused at start. */
  issuer: string;
  /** Its `JWT_AUDIENCE` (default `profile-service`). Required: an empty value is refused at start. */
  audience: string;
  /** How the key set is cached, and how long it keeps serving while the service is unreachable (see JwksCacheOptions). */
  jwks?: JwksCacheOptions;
  /**
   * With a client of the profile service's broker: every token's session is also checked through `auth.verify`,
   * so a signed-out or deleted account is refused before its token expires. The answer is cached per token for
   * `sessionCheckCacheMs` (at most 5000).
   */
  sessionCheck?: { client: ClientProxy; cacheMs?: number };
}

/** What a verified request carries, as `@CurrentUser()` gives it. */
export interface ProfileUser {
  userId: string;
  sessionId: string;
}

/** Refuses options that would silently turn a check off; one line naming the option. */
export function assertProfileAuthOptions(options: ProfileAuthOptions): void {
  for (const name of ['jwksUrl', 'issuer', 'audience'] as const) {
    const value: unknown = options[name];
    if (typeof value !== 'string' || value.trim() === '')
      throw new Error(`ProfileAuthModule: the "${name}" option is empty; every token would pass that check. Set it to the profile service's value.`);
  }
}
