import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-mapping';
import { sendAfterUnreadBody } from './lingering-close';

/** Writes the contract's error response; shared by the Nest filter and Fastify's own error handler. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const response = toErrorResponse(error);
  if (response.unexpected) {
    request.log.error({ err: error }, 'unhandled error');
  }
  if (reply.sent) return;
  sendAfterUnreadBody(request, reply, () => {
    if (reply.sent) return;
    void reply
      .status(response.status)
      // Also set here: errors raised by Fastify's router come before the hooks that normally add them.
      .headers({ 'x-request-id': request.id, 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' })
      .headers(response.headers)
      .type('application/json; charset=utf-8')
      .send({ ...response.body, requestId: request.id });
  });
}
