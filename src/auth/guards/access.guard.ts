import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { AppError } from '#src/common/errors/app-error';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC } from '#src/common/decorators/public.decorator';
import { TokenRejected, accessTokenError } from '../tokens/token.service';
import { AccessTokenAuthenticator } from './access-token.authenticator';
import { ACCESS_STRATEGY } from './access.strategy';
import type { AuthContext, AuthenticatedRequest } from './auth-context';
import { AuthErrors } from '../auth.errors';
import { VerifiedAccessTokens } from './verified-access-tokens';

/** passport-jwt's reason for a failure, as the contract's error. */
function accessFailure(info: unknown): AppError {
  if (info instanceof TokenRejected) return accessTokenError(info);
  const name = (info as { name?: unknown } | undefined)?.name;
  if (name === 'TokenExpiredError') return AuthErrors.accessTokenExpired();
  if (info instanceof Error && info.message === 'No auth token') return AuthErrors.authenticationRequired();
  return AuthErrors.accessTokenInvalid();
}

/**
 * @nestjs/passport's AuthGuard over the `access` strategy: lets a request through only with a verified access
 * token of a live session, unless the route is @Public(), and puts what the strategy established on
 * `request.auth` (`stepUp` is StepUpGuard's to fill). A token the strategy verified before (VerifiedAccessTokens)
 * skips passport and goes straight to the live-session check, which every request passes.
 */
/** One object for every request (the guard asks for it per request). */
const ACCESS_GUARD_OPTIONS = Object.freeze({ property: 'auth', session: false });

@Injectable()
export class AccessGuard extends AuthGuard(ACCESS_STRATEGY) {
  // @Inject: the mixin's constructor declares its own first parameter (passport's module options), and Nest
  // would read that declaration for this constructor's first parameter too.
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(VerifiedAccessTokens) private readonly verified: VerifiedAccessTokens,
    @Inject(AccessTokenAuthenticator) private readonly authenticator: AccessTokenAuthenticator,
  ) {
    super();
  }

  override getAuthenticateOptions(): { property: string; session: boolean } {
    return ACCESS_GUARD_OPTIONS;
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const known = this.verified.recall(request);
    if (known === undefined) return super.canActivate(context) as Promise<boolean>;
    return this.authenticator.liveSession(known).then((auth) => {
      request.auth = auth;
      return true;
    });
  }

  override handleRequest<TUser = AuthContext>(error: unknown, user: AuthContext | false, info: unknown): TUser {
    // validate() refuses a verified token of the wrong `typ` or claims by throwing, which passport reports as an error.
    if (error instanceof TokenRejected) throw accessTokenError(error);
    if (error instanceof Error) throw error;
    if (error) throw new Error(`authentication failed: ${JSON.stringify(error)}`);
    if (!user) throw accessFailure(info);
    return user as TUser;
  }
}
