import { HttpException } from '@nestjs/common';
import { AppError } from '../errors/app-error';
import type { ErrorBody } from '../errors/error-body';
import { ERROR_STATUS, type ErrorCode } from '../errors/error-codes';
import { isOutage } from '../errors/outage';

export interface ErrorResponse {
  status: number;
  body: Omit<ErrorBody, 'requestId'>;
  headers: Record<string, string>;
  /** True for errors nobody anticipated: they are logged with their stack, and hidden from the client. */
  unexpected: boolean;
  /** A dependency that is away (logged as a warning, answered 503). */
  outage?: boolean;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'AUTHENTICATION_REQUIRED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'The request is not valid.',
  NOT_FOUND: 'No such resource.',
  METHOD_NOT_ALLOWED: 'Method not allowed on this resource.',
  MALFORMED_JSON: 'The request body is not valid JSON.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported content type.',
  INTERNAL_ERROR: 'Something went wrong on our side.',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable; try again shortly.',
};

/** Fastify's own errors (body parsing, limits) by their code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_MALFORMED_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_PARSE_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  // Router errors: a path parameter too long to be any id, or a URL that does not decode.
  FST_ERR_MAX_PARAM_LENGTH: 'NOT_FOUND',
  FST_ERR_BAD_URL: 'NOT_FOUND',
  // A QUERY request without a Content-Type, refused before routing: no route of the service takes QUERY.
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: 'NOT_FOUND',
};

function generic(code: ErrorCode, message?: string, unexpected = false): ErrorResponse {
  return {
    status: ERROR_STATUS[code],
    body: { statusCode: ERROR_STATUS[code], code, message: message ?? MESSAGES[code] ?? code },
    headers: {},
    unexpected,
  };
}

function fastifyCode(error: unknown): ErrorCode | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? FASTIFY_CODES[code] : undefined;
}

/** Turns anything thrown during a request into the contract's error response. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof AppError) {
    const body: ErrorResponse['body'] = { statusCode: error.status, code: error.code, message: error.message };
    if (error.details) body.details = error.details;
    return { status: error.status, body, headers: error.headers ?? {}, unexpected: false };
  }
  if (error instanceof HttpException) {
    // Nest wraps Fastify's own errors (body parsing, limits) in an HttpException with the original as cause.
    const cause = fastifyCode(error.cause);
    if (cause) return generic(cause);
    const code = CODE_BY_STATUS[error.getStatus()];
    return code ? generic(code) : generic('INTERNAL_ERROR', undefined, true);
  }
  const known = fastifyCode(error);
  if (known) return generic(known);
  // A database (or other dependency) that is away: the client may retry; logged, but not as a bug.
  if (isOutage(error)) return { ...generic('SERVICE_UNAVAILABLE'), headers: { 'retry-after': '5' }, outage: true };
  const fastifyError = error as { statusCode?: unknown } | null;
  const status = typeof fastifyError?.statusCode === 'number' ? fastifyError.statusCode : 500;
  const code = status < 500 ? CODE_BY_STATUS[status] : undefined;
  return code ? generic(code) : generic('INTERNAL_ERROR', undefined, true);
}
