import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requestOrigin } from './client-ip';

/** Where a request came from, as the security log records it: the client address (TRUST_PROXY) and user agent. */
export interface ClientOrigin {
  ip: string;
  userAgent: string | null;
}

/** The request's `ClientOrigin`, as a route parameter: `@ClientOrigin() origin: ClientOrigin`. */
export const ClientOrigin = createParamDecorator((_: unknown, context: ExecutionContext): ClientOrigin =>
  requestOrigin(context.switchToHttp().getRequest<FastifyRequest>()),
);
