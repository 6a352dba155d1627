import { randomUUID } from 'node:crypto';
import type { AppError } from '#src/common/errors/app-error';
import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { type JWTHeaderParameters, type JWTPayload, SignJWT, errors, jwtVerify } from 'jose';
import { isUuid } from '#src/common/validation/uuid';
import { authConfig } from '#src/config/auth.config';
import { SigningKeysService } from '../keys/signing-keys.service';
import { AuthErrors } from '../auth.errors';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const STEP_UP_TOKEN_TYPE = 'step-up+jwt';

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export interface StepUpClaims {
  userId: string;
  sessionId: string;
  authTime: number;
  amr: string[];
}

/** Verification failed; `expired` tells an expired token from a bad one. */
export class TokenRejected extends Error {
  constructor(readonly expired: boolean) {
    super(expired ? 'token expired' : 'token invalid');
  }
}

/**
 * Signs and verifies the service's JWTs. Verification checks signature, algorithm (the key's own, so
 * no `none` and no algorithm confusion), JOSE `typ`, expiry, issuer and audience; session liveness is
 * the caller's next step.
 */
@Injectable()
export class TokenService {
  private readonly stepUpAudience: string;

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {
    // A distinct audience too, so a verifier that forgets to check `typ` still cannot take one for the other.
    this.stepUpAudience = `${config.audience}:step-up`;
  }

  /** `amr`: how the session's sign-in was proved (RFC 8176), for verifiers that weigh it; left out when unknown. */
  signAccessToken(userId: string, sessionId: string, amr: readonly string[] = []): Promise<IssuedToken> {
    const claims = amr.length > 0 ? { sid: sessionId, amr: [...amr] } : { sid: sessionId };
    return this.sign(ACCESS_TOKEN_TYPE, claims, userId, this.config.audience, this.config.accessTokenTtl);
  }

  signStepUpToken(userId: string, sessionId: string, amr: string[]): Promise<IssuedToken> {
    const claims = { sid: sessionId, amr, auth_time: Math.floor(Date.now() / 1000) };
    return this.sign(STEP_UP_TOKEN_TYPE, claims, userId, this.stepUpAudience, this.config.stepUpTtl);
  }

  async verifyAccessToken(token: string): Promise<AccessClaims> {
    const payload = await this.verify(token, ACCESS_TOKEN_TYPE, this.config.audience);
    return { userId: payload.sub as string, sessionId: payload.sid as string };
  }

  async verifyStepUpToken(token: string): Promise<StepUpClaims> {
    return stepUpClaimsOf(await this.verify(token, STEP_UP_TOKEN_TYPE, this.stepUpAudience));
  }

  /** The audience of step-up tokens: the access audience's own, so neither kind passes for the other. */
  get stepUpTokenAudience(): string {
    return this.stepUpAudience;
  }

  private async sign(typ: string, claims: JWTPayload, subject: string, audience: string, ttl: number): Promise<IssuedToken> {
    const key = this.keys.current;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ })
      .setSubject(subject)
      .setIssuer(this.config.issuer)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .sign(key.privateKey);
    return { token, expiresIn: ttl };
  }

  private async verify(token: string, typ: string, audience: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, (header: JWTHeaderParameters) => this.keyFor(header), {
        issuer: this.config.issuer,
        audience,
        typ,
        algorithms: this.keys.algorithms,
        requiredClaims: [...REQUIRED_CLAIMS],
      });
      if (!isUuid(payload.sub) || !isUuid(payload.sid)) throw new TokenRejected(false);
      return payload;
    } catch (error) {
      if (error instanceof TokenRejected) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenRejected(true);
      if (error instanceof errors.JOSEError || error instanceof TypeError) throw new TokenRejected(false);
      throw error;
    }
  }

  private keyFor(header: JWTHeaderParameters) {
    const key = this.keys.find(header.kid);
    // The header's algorithm must be the key's own: no `none`, no HS256-with-the-public-key confusion.
    if (!key || header.alg !== key.alg) throw new TokenRejected(false);
    return key.publicKey;
  }
}

const REQUIRED_CLAIMS = ['sub', 'sid', 'jti', 'iat', 'exp'] as const;

/**
 * The checks beyond signature, expiry, issuer and audience, for a token whose signature was verified by
 * passport-jwt (jsonwebtoken): the JOSE `typ` of its kind (an access token is never taken for a step-up token
 * or back), the required claims, and ids that are UUIDs.
 */
export function checkedClaims(expectedType: string, header: { typ?: unknown }, payload: unknown): JWTPayload & { sub: string; sid: string } {
  if (header.typ !== expectedType || payload === null || typeof payload !== 'object') throw new TokenRejected(false);
  const claims = payload as JWTPayload;
  if (REQUIRED_CLAIMS.some((claim) => claims[claim] === undefined) || !isUuid(claims.sub) || !isUuid(claims.sid)) throw new TokenRejected(false);
  return claims as JWTPayload & { sub: string; sid: string };
}

export function stepUpClaimsOf(payload: JWTPayload): StepUpClaims {
  if (typeof payload.auth_time !== 'number' || !Array.isArray(payload.amr)) throw new TokenRejected(false);
  return { userId: payload.sub as string, sessionId: payload.sid as string, authTime: payload.auth_time, amr: payload.amr as string[] };
}

/** Maps a rejected access token to its contract error. */
export function accessTokenError(rejection: TokenRejected): AppError {
  return rejection.expired ? AuthErrors.accessTokenExpired() : AuthErrors.accessTokenInvalid();
}
