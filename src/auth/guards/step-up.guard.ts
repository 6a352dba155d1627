import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { StepUpRequiredError } from '../../common/errors/app-error';
import type { AuthenticatedRequest } from './auth-context';
import { REQUIRES_STEP_UP } from './requires-step-up.decorator';

/** Decides only: routes marked @RequiresStepUp() need the step-up state AccessGuard established. */
@Injectable()
export class StepUpGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<boolean>(REQUIRES_STEP_UP, [context.getHandler(), context.getClass()]);
    if (!required) return true;
    if (!context.switchToHttp().getRequest<AuthenticatedRequest>().auth?.stepUp) throw new StepUpRequiredError();
    return true;
  }
}
