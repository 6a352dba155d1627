import { Injectable } from '@nestjs/common';
import { SessionsService } from '../sessions/sessions.service';
import { type AccessClaims, TokenRejected, TokenService, accessTokenError } from '../tokens/token.service';
import type { AuthContext } from './auth-context';
import { AuthErrors } from '../auth.errors';

/**
 * The live-session half of authentication, shared by the `access` strategy (HTTP) and the broker's
 * `auth.verify`: one database round trip loads the session and its user and identities.
 */
@Injectable()
export class AccessTokenAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionsService,
  ) {}

  /** `auth.verify` on the broker: the token's signature and claims (jose), then its session. */
  async verifyAccessToken(token: string): Promise<AuthContext> {
    const claims = await this.tokens.verifyAccessToken(token).catch((error: unknown) => {
      throw error instanceof TokenRejected ? accessTokenError(error) : error;
    });
    return this.liveSession(claims);
  }

  /**
   * The request's AuthContext, whole, in one literal (`stepUp` is StepUpGuard's to fill). Not `{ ...context,
   * stepUp: null }` afterwards: on Node 20 (V8 11.3) an object made by a spread and then one more property
   * outlives the scavenges that should free it, so one per request was promoted to the old generation
   * (BENCHMARKS.md, session 17).
   */
  async liveSession(claims: AccessClaims): Promise<AuthContext> {
    const live = await this.sessions.findLiveUser(claims.sessionId, claims.userId);
    if (!live) throw AuthErrors.sessionEnded();
    return { userId: claims.userId, sessionId: claims.sessionId, user: live.user, identities: live.identities, stepUp: null };
  }
}
