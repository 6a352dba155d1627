import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { StepUpRequiredError } from '#src/common/errors/app-error';
import { type StepUpClaims, TokenRejected } from '../tokens/token.service';
import type { AuthenticatedRequest } from './auth-context';
import { REQUIRES_STEP_UP } from './requires-step-up.decorator';
import { STEP_UP_STRATEGY } from './step-up.strategy';

/**
 * @nestjs/passport's AuthGuard over the `step-up` strategy, on @RequiresStepUp() routes only (after AccessGuard):
 * without a step-up token of this user and session the answer is STEP_UP_REQUIRED. The claims go to
 * `request.auth.stepUp`.
 */
/** One object for every request (the guard asks for it per request). */
const STEP_UP_GUARD_OPTIONS = Object.freeze({ property: 'stepUpClaims', session: false });

@Injectable()
export class StepUpGuard extends AuthGuard(STEP_UP_STRATEGY) {
  // @Inject: the mixin's constructor declares its own first parameter (passport's module options), and Nest
  // would read that declaration for this constructor's first parameter too.
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {
    super();
  }

  override getAuthenticateOptions(): { property: string; session: boolean } {
    return STEP_UP_GUARD_OPTIONS;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.reflector.getAllAndOverride<boolean>(REQUIRES_STEP_UP, [context.getHandler(), context.getClass()])) return true;
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { stepUpClaims?: StepUpClaims }>();
    if (request.auth && request.stepUpClaims) request.auth.stepUp = request.stepUpClaims;
    return true;
  }

  override handleRequest<TUser = StepUpClaims>(error: unknown, claims: StepUpClaims | false): TUser {
    if (error instanceof TokenRejected) throw new StepUpRequiredError();
    if (error instanceof Error) throw error;
    if (error) throw new Error(`authentication failed: ${JSON.stringify(error)}`);
    if (!claims) throw new StepUpRequiredError();
    return claims as TUser;
  }
}
