import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { JwtPayload } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import { authConfig } from '#src/config/auth.config';
import { SigningKeysService } from '../keys/signing-keys.service';
import { ACCESS_TOKEN_TYPE, TokenRejected, TokenService, checkedClaims } from '../tokens/token.service';
import { readAccessToken } from '../tokens/token-transport';
import { AccessTokenAuthenticator } from './access-token.authenticator';
import type { AuthContext } from './auth-context';
import { jwtHeader, jwtStrategyOptionsWithRequest } from './jwt-strategy-options';
import { VerifiedAccessTokens } from './verified-access-tokens';

export const ACCESS_STRATEGY = 'access';

export type PassportRequest = Parameters<Strategy['authenticate']>[0];

/** What passport-jwt passes on with `complete: true`. */
interface Decoded {
  header: { typ?: unknown; kid?: unknown };
  payload: string | JwtPayload;
}

/**
 * The `access` strategy: the token from `Authorization: Bearer` or the `access_token` cookie (readAccessToken: the
 * header wins, a malformed header is an error and never falls back to the cookie, never the query string);
 * passport-jwt verifies it (jwt-strategy-options.ts); validate() checks `typ` and the claims and loads the live
 * session with its user and identities in one query, and remembers the verified token (VerifiedAccessTokens), so
 * that AccessGuard takes its next request straight to the session check.
 */
@Injectable()
export class AccessStrategy extends PassportStrategy(Strategy, ACCESS_STRATEGY) {
  /** Only with an EdDSA key is a token's header read here first; otherwise passport-jwt alone reads it. */
  private readonly verifiesEdDsa: boolean;

  constructor(
    keys: SigningKeysService,
    @Inject(authConfig.KEY) config: Settings<typeof authConfig>,
    private readonly tokens: TokenService,
    private readonly authenticator: AccessTokenAuthenticator,
    private readonly verified: VerifiedAccessTokens,
  ) {
    super(
      jwtStrategyOptionsWithRequest(keys, { issuer: config.issuer, audience: config.audience }, (request: FastifyRequest) => readAccessToken(request) ?? null),
    );
    this.verifiesEdDsa = keys.algorithms.includes('EdDSA');
  }

  /** After passport-jwt verified the token: its type and claims, then the live session. */
  async validate(request: FastifyRequest, decoded: Decoded): Promise<AuthContext> {
    const claims = checkedClaims(ACCESS_TOKEN_TYPE, decoded.header, decoded.payload);
    const accessClaims = { userId: claims.sub, sessionId: claims.sid };
    this.verified.remember(request, decoded.header.kid, claims.exp as number, accessClaims);
    return this.authenticator.liveSession(accessClaims);
  }

  /**
   * jsonwebtoken, which passport-jwt verifies with, has no EdDSA: an EdDSA token is verified by jose with the same
   * checks (TokenService), then goes through the same session check. Everything else is passport-jwt's.
   */
  override authenticate(request: PassportRequest, options?: object): void {
    if (!this.verifiesEdDsa) return super.authenticate(request, options);
    // Nest hands passport the Fastify request; passport's types name Express's.
    const token = readAccessToken(request as unknown as FastifyRequest);
    if (token === undefined || jwtHeader(token)?.alg !== 'EdDSA') return super.authenticate(request, options);
    this.tokens
      .verifyAccessToken(token)
      .then((claims) => this.authenticator.liveSession(claims))
      .then(
        (user) => this.success(user),
        (error: unknown) => (error instanceof TokenRejected ? this.fail(error, 401) : this.error(error as Error)),
      );
  }
}
