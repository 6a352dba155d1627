import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { jwtVerify } from 'jose';
import type { JwtPayload } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { lastValueFrom, timeout } from 'rxjs';
import { JwksKeys } from './jwks-keys';
import { PROFILE_AUTH_OPTIONS, type ProfileAuthOptions, type ProfileUser, assertProfileAuthOptions } from './options';

export const PROFILE_JWT_STRATEGY = 'profile-jwt';
const ACCESS_TOKEN_TYPE = 'at+jwt';
const MAX_SESSION_CACHE_MS = 5000;

type PassportRequest = Parameters<Strategy['authenticate']>[0];

function headerOf(token: string): { alg?: unknown; kid?: unknown; typ?: unknown } | null {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return header !== null && typeof header === 'object' ? header : null;
  } catch {
    return null;
  }
}

/**
 * passport-jwt over the profile service's access tokens: `Authorization: Bearer` only; the key by `kid` from the
 * JWKS and of the header's own algorithm; jsonwebtoken checks signature, `exp`, `iss` and `aud`; `typ` must be
 * `at+jwt` (a step-up token is refused). EdDSA, which jsonwebtoken lacks, is verified by jose with the same
 * checks. `exp` is required. With `sessionCheck`, the session must also still be live (`auth.verify`, cached a
 * few seconds). Keys are cached and keep verifying while the service is unreachable (see JwksKeys).
 */
@Injectable()
export class ProfileJwtStrategy extends PassportStrategy(Strategy, PROFILE_JWT_STRATEGY) {
  private readonly keys: JwksKeys;
  private readonly sessions = new Map<string, { until: number; result: Promise<ProfileUser> }>();
  private readonly extract = ExtractJwt.fromAuthHeaderAsBearerToken();

  constructor(@Inject(PROFILE_AUTH_OPTIONS) private readonly options: ProfileAuthOptions) {
    assertProfileAuthOptions(options);
    const keys = new JwksKeys(options.jwksUrl, options.jwks);
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ['ES256'],
      jsonWebTokenOptions: { complete: true },
      passReqToCallback: true,
      secretOrKeyProvider: (_request: unknown, token: string, done: (error: unknown, key?: string | Buffer) => void) => {
        const header = headerOf(token);
        keys.keyFor(header?.kid, header?.alg).then(
          // jsonwebtoken 9 takes a KeyObject as it is; the type says string | Buffer.
          (key) => (key ? done(null, key.key as unknown as Buffer) : done(new UnauthorizedException('unknown signing key'))),
          (error: unknown) => done(error),
        );
      },
    });
    this.keys = keys;
  }

  validate(request: PassportRequest, decoded: { header: { typ?: unknown }; payload: string | JwtPayload }): Promise<ProfileUser> {
    const payload = decoded.payload;
    // jsonwebtoken checks `exp` only when it is there: a token without one would never expire.
    if (
      decoded.header.typ !== ACCESS_TOKEN_TYPE ||
      typeof payload !== 'object' ||
      typeof payload.exp !== 'number' ||
      typeof payload.sub !== 'string' ||
      typeof payload.sid !== 'string'
    ) {
      throw new UnauthorizedException('not an access token');
    }
    return this.checkSession({ userId: payload.sub, sessionId: payload.sid }, this.extract(request) ?? '');
  }

  override authenticate(request: PassportRequest, options?: object): void {
    const token = this.extract(request);
    if (!token || headerOf(token)?.alg !== 'EdDSA') return super.authenticate(request, options);
    const header = headerOf(token);
    this.keys
      .keyFor(header?.kid, 'EdDSA')
      .then((key) => {
        if (!key) throw new UnauthorizedException('unknown signing key');
        return jwtVerify(token, key.key, {
          issuer: this.options.issuer,
          audience: this.options.audience,
          typ: ACCESS_TOKEN_TYPE,
          algorithms: ['EdDSA'],
          requiredClaims: ['exp'],
        });
      })
      .then(({ payload, protectedHeader }) => this.validate(request, { header: protectedHeader, payload: payload }))
      .then(
        (user) => this.success(user),
        (error: unknown) => this.fail(error instanceof Error ? error.message : 'invalid token', 401),
      );
  }

  /** `auth.verify` as a revocation check only: its answer must name the user and session the token does. */
  private checkSession(user: ProfileUser, token: string): Promise<ProfileUser> {
    const check = this.options.sessionCheck;
    if (!check) return Promise.resolve(user);
    const now = Date.now();
    const cached = this.sessions.get(token);
    if (cached && cached.until > now) return cached.result;
    if (this.sessions.size > 10_000) this.sessions.clear();
    const result = lastValueFrom(check.client.send<ProfileUser>('auth.verify', { token }).pipe(timeout(3000))).then(
      (verified) => {
        if (verified.userId !== user.userId || verified.sessionId !== user.sessionId) throw new UnauthorizedException('session check disagrees');
        return user;
      },
      (error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        throw new UnauthorizedException(typeof code === 'string' ? code : 'session check failed');
      },
    );
    result.catch(() => undefined);
    this.sessions.set(token, { until: now + Math.min(check.cacheMs ?? MAX_SESSION_CACHE_MS, MAX_SESSION_CACHE_MS), result });
    return result;
  }
}
