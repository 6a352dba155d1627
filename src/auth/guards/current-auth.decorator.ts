import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { AuthContext, AuthenticatedRequest } from './auth-context';

/** The AuthContext AccessGuard put on the request. Reads only; never verifies. */
export const CurrentAuth = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('CurrentAuth used on a route without AccessGuard');
  return auth;
});
