import { ApiProperty } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { PASSWORD_POLICY_REASONS } from '#src/common/errors/password-policy-reasons';
import { IsAccountEmail, IsPasswordInput } from '#src/common/validation/field.decorators';

export class PasswordCheckDto {
  @IsPasswordInput('new')
  password: string;

  /** The address the password is meant for, so that a password containing it is refused as it would be. */
  @IsOptional()
  @IsAccountEmail()
  email?: string;
}

export class PasswordCheckResponseDto {
  /** Whether the service would take this password now. */
  ok: boolean;

  /** Every rule it breaks; empty when `ok`. */
  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...PASSWORD_POLICY_REASONS] } })
  reasons: string[];

  /** zxcvbn-ts' estimate, 0 (guessed at once) to 4 (very hard to guess), for a meter. @example 4 */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 4, example: 4 })
  score: number;
}
