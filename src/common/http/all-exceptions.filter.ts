import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, throwError } from 'rxjs';
import { toErrorResponse } from './error-mapping';
import { sendError } from './send-error';

/**
 * The single place where errors become responses: the contract's error shape over HTTP, and the same
 * `{ statusCode, code, message, details? }` as the error of a broker request (profile.get, auth.verify).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Broker');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() === 'rpc') {
      const response = toErrorResponse(exception);
      if (response.unexpected) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      else if (response.outage) this.logger.warn(`dependency unavailable: ${(exception as Error).message}`);
      return throwError(() => response.body);
    }
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
