import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, type AuthGuardAuthenticateOptions } from '@nestjs/passport';
import { IS_PUBLIC } from '../../common/decorators/public.decorator';
import { ACCESS_STRATEGY } from './access.strategy';
import { AUTH_PROPERTY } from './auth-context';

/** Lets a request through only with a verified access token of a live session, unless the route is @Public(). */
@Injectable()
export class AccessGuard extends AuthGuard(ACCESS_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    return isPublic ? true : (super.canActivate(context) as Promise<boolean>);
  }

  override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
    return { session: false, property: AUTH_PROPERTY };
  }
}
