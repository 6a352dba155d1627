import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { ProfileUser } from './options';

/** The `{ userId, sessionId }` ProfileAuthGuard verified. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): ProfileUser => {
  const user = context.switchToHttp().getRequest<{ user?: ProfileUser }>().user;
  if (!user) throw new Error('@CurrentUser() on a route without ProfileAuthGuard');
  return user;
});
