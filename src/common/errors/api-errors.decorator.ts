import { ApiExtension } from '@nestjs/swagger';
import type { ErrorCode } from './error-codes';

/** Where @ApiErrors() leaves an operation's own error codes for the OpenAPI document to turn into responses. */
export const ERROR_CODES_EXTENSION = 'x-error-codes';

/**
 * Documents the error codes a route answers with of its own. The codes every route of its kind can answer
 * (the JSON parser's, the access and step-up guards', an outage's) are added by the document
 * (src/openapi/error-responses.ts), one response per status with an example of each code.
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator {
  return ApiExtension(ERROR_CODES_EXTENSION, codes);
}
