import { ApiPropertyOptional } from '@nestjs/swagger';
import { ApiInteger } from '../decorators/api-formats.decorator';
import type { ErrorCode } from './error-codes';
import { PASSWORD_POLICY_REASONS } from './password-policy-reasons';
import { SECOND_FACTOR_METHODS } from './second-factor-methods';

/** Facts a few codes carry. */
export class ErrorDetailsDto {
  /**
   * VALIDATION_FAILED: each refused field (a dotted path) with what is wrong with it.
   * @example {"email": ["email must be a valid email address"]}
   */
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  fields?: Record<string, string[]>;

  /**
   * PASSWORD_POLICY_VIOLATION: every rule the password breaks.
   * @example ["too_short"]
   */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', enum: [...PASSWORD_POLICY_REASONS] },
  })
  reasons?: string[];

  /** PASSWORD_POLICY_VIOLATION with `breached`: how often the password was seen in the breach corpus. @example 12345 */
  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  breachCount?: number;

  /** PAYLOAD_TOO_LARGE of an avatar upload: the largest file accepted (AVATAR_MAX_BYTES). @example 5242880 */
  @ApiPropertyOptional({ type: 'integer' })
  maxBytes?: number;

  /** SECOND_FACTOR_REQUIRED: the second factors the account can step up with. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', enum: [...SECOND_FACTOR_METHODS] } })
  methods?: string[];

  /** SERVICE_UNAVAILABLE from the health check: each dependency, `up` or `down`. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] } })
  checks?: Record<string, 'up' | 'down'>;
}

/** The error shape of the contract, for the OpenAPI document. */
export class ErrorBodyDto {
  /** HTTP status, repeated in the body. */
  @ApiInteger(400)
  statusCode: number;

  /**
   * Machine-readable error code.
   * @example "VALIDATION_FAILED"
   */
  code: ErrorCode;

  /** Human-readable message; never contains secrets, stack traces or another user's data. */
  message: string;

  details?: ErrorDetailsDto;

  /** Equals the X-Request-Id response header. */
  requestId: string;
}
