import { ERROR_STATUS, type ErrorCode } from './error-codes';

export type ErrorDetails = Record<string, unknown>;

/**
 * A domain error carrying a contract error code. Services throw it; the exception filter alone turns it
 * into an HTTP response, so no service knows about HTTP.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
    /** Extra response headers the error needs (Retry-After, WWW-Authenticate). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export class TooManyRequestsError extends AppError {
  constructor(retryAfterSeconds: number) {
    super('TOO_MANY_REQUESTS', 'Too many requests; try again later.', undefined, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

export class StepUpRequiredError extends AppError {
  constructor(message = 'This operation needs a fresh re-authentication (step-up token).') {
    super('STEP_UP_REQUIRED', message, undefined, {
      'www-authenticate': 'Bearer error="insufficient_user_authentication", error_description="A step-up token is required"',
    });
  }
}
