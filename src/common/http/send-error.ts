import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-mapping';

/** Writes the contract's error response; shared by the Nest filter and Fastify's own error handler. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const response = toErrorResponse(error);
  if (response.unexpected) {
    request.log.error({ err: error }, 'unhandled error');
  }
  if (reply.sent) return;
  void reply
    .status(response.status)
    .headers(response.headers)
    .type('application/json; charset=utf-8')
    .send({ ...response.body, requestId: request.id });
}
