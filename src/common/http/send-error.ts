import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../errors/error-body';
import { type ErrorResponse, toErrorResponse } from './error-mapping';
import { sendAfterUnreadBody } from './unread-body';

/** Writes the contract's error response; shared by the Nest filter and Fastify's own error handler. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const response = toErrorResponse(error);
  // Name, message and stack only: a TypeORM error also carries its SQL and parameters (a hash, an address).
  if (response.unexpected) request.log.error({ err: loggable(error) }, 'unhandled error');
  else if (response.outage) request.log.warn(`dependency unavailable: ${(error as Error).message}`);
  if (reply.sent) return;
  sendAfterUnreadBody(request, reply, () => {
    if (reply.sent) return;
    void reply
      .status(response.status)
      // Also set here: errors raised by Fastify's router come before the hooks that normally add them.
      .headers({ 'x-request-id': request.id, 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' })
      .headers(response.headers)
      .type('application/json; charset=utf-8')
      .send(withRequestId(response.body, request.id));
  });
}

/**
 * The body with its request id, added to the object toErrorResponse made for this response. Not `{ ...body,
 * requestId }`: on Node 20 (V8 11.3) an object made by a spread and then one more property outlives the
 * scavenges that should free it, so every error answer was promoted to the old generation (BENCHMARKS.md,
 * session 17).
 */
function withRequestId(body: ErrorResponse['body'], requestId: string): ErrorBody {
  return Object.assign(body, { requestId });
}

function loggable(error: unknown): { name?: string; message: string; stack?: string } {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { message: String(error) };
}
