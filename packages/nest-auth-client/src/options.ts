import type { ClientProxy } from '@nestjs/microservices';

export const PROFILE_AUTH_OPTIONS = Symbol('PROFILE_AUTH_OPTIONS');

export interface ProfileAuthOptions {
  /** The profile service's key set, e.g. `https://id.example.com/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Its `JWT_ISSUER` (by default its PUBLIC_URL). */
  issuer: string;
  /** Its `JWT_AUDIENCE` (default `profile-service`). */
  audience: string;
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
