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
  async verifyAccessToken(token: string): Promise<Omit<AuthContext, 'stepUp'>> {
    const claims = await this.tokens.verifyAccessToken(token).catch((error: unknown) => {
      throw error instanceof TokenRejected ? accessTokenError(error) : error;
    });
    return this.liveSession(claims);
  }

  async liveSession(claims: AccessClaims): Promise<Omit<AuthContext, 'stepUp'>> {
    const live = await this.sessions.findLiveUser(claims.sessionId, claims.userId);
    if (!live) throw AuthErrors.sessionEnded();
    return { userId: claims.userId, sessionId: claims.sessionId, user: live.user, identities: live.identities };
  }
}
