import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { PassportStrategy } from '@nestjs/passport';
import type { JwtPayload } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import { authConfig } from '#src/config/auth.config';
import { SigningKeysService } from '../keys/signing-keys.service';
import { STEP_UP_TOKEN_TYPE, type StepUpClaims, TokenRejected, TokenService, checkedClaims, stepUpClaimsOf } from '../tokens/token.service';
import { readStepUpToken } from '../tokens/token-transport';
import type { AuthenticatedRequest } from './auth-context';
import type { PassportRequest } from './access.strategy';
import { jwtHeader, jwtStrategyOptionsWithRequest } from './jwt-strategy-options';

export const STEP_UP_STRATEGY = 'step-up';

interface Decoded {
  header: { typ?: unknown };
  payload: string | JwtPayload;
}

/**
 * The `step-up` strategy: the token from `X-Step-Up-Token` or the `step_up_token` cookie, verified like an access
 * token but of its own `typ` and audience, and counted only for the user **and** session of the request's
 * access token (which AccessGuard established before).
 */
@Injectable()
export class StepUpStrategy extends PassportStrategy(Strategy, STEP_UP_STRATEGY) {
  /** Only with an EdDSA key is a token's header read here first; otherwise passport-jwt alone reads it. */
  private readonly verifiesEdDsa: boolean;

  constructor(
    keys: SigningKeysService,
    @Inject(authConfig.KEY) config: Settings<typeof authConfig>,
    private readonly tokens: TokenService,
  ) {
    super(
      jwtStrategyOptionsWithRequest(
        keys,
        { issuer: config.issuer, audience: tokens.stepUpTokenAudience },
        (request: AuthenticatedRequest) => readStepUpToken(request) ?? null,
      ),
    );
    this.verifiesEdDsa = keys.algorithms.includes('EdDSA');
  }

  validate(request: AuthenticatedRequest, decoded: Decoded): StepUpClaims | false {
    return this.sameSession(request, stepUpClaimsOf(checkedClaims(STEP_UP_TOKEN_TYPE, decoded.header, decoded.payload)));
  }

  /** EdDSA: verified by jose, as in AccessStrategy. */
  override authenticate(request: PassportRequest, options?: object): void {
    if (!this.verifiesEdDsa) return super.authenticate(request, options);
    const fastifyRequest = request as unknown as AuthenticatedRequest;
    const token = readStepUpToken(fastifyRequest);
    if (token === undefined || jwtHeader(token)?.alg !== 'EdDSA') return super.authenticate(request, options);
    this.tokens.verifyStepUpToken(token).then(
      (claims) => {
        const sameSession = this.sameSession(fastifyRequest, claims);
        return sameSession ? this.success(sameSession) : this.fail(new TokenRejected(false), 401);
      },
      (error: unknown) => (error instanceof TokenRejected ? this.fail(error, 401) : this.error(error as Error)),
    );
  }

  private sameSession(request: AuthenticatedRequest, claims: StepUpClaims): StepUpClaims | false {
    return claims.userId === request.auth?.userId && claims.sessionId === request.auth.sessionId ? claims : false;
  }
}
