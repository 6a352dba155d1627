import type { ErrorCode } from './error-codes';

/** The error shape of the contract, for the OpenAPI document. */
export class ErrorBodyDto {
  /** HTTP status, repeated in the body. */
  statusCode: number;

  /**
   * Machine-readable error code.
   * @example "VALIDATION_FAILED"
   */
  code: ErrorCode;

  /** Human-readable message; never contains secrets, stack traces or another user's data. */
  message: string;

  /** Extra facts: `fields` for VALIDATION_FAILED, `reasons` for PASSWORD_POLICY_VIOLATION. */
  details?: Record<string, unknown>;

  /** Equals the X-Request-Id response header. */
  requestId: string;
}
