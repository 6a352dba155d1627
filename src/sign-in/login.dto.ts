import { ApiProperty } from '@nestjs/swagger';
import { ApiInteger } from '#src/common/decorators/api-formats.decorator';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsAccountEmail, IsPasswordInput } from '#src/common/validation/field.decorators';
import { IsSecondFactorCode } from '#src/second-factors/factors.dto';
import { SECOND_FACTOR_METHODS } from '#src/common/errors/second-factor-methods';

export class LoginDto {
  /** Compared case-insensitively. */
  @IsAccountEmail()
  email: string;

  @IsPasswordInput('current')
  password: string;
}

/** 200 for an account with a second factor: no session yet; complete with POST /api/auth/login/mfa. */
export class MfaRequiredDto {
  @ApiProperty({ type: Boolean, enum: [true] })
  mfaRequired: true;

  /** Single-use, for this sign-in only; send it with the code. */
  mfaToken: string;

  /** What the account can complete the sign-in with. */
  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...SECOND_FACTOR_METHODS] } })
  methods: string[];

  /** Seconds until the MfaToken expires. @example 300 */
  @ApiInteger(300)
  expiresIn: number;
}

export class MfaCodeDto {
  /** From the sign-in's answer; omit it when the `mfa_token` cookie carries it (after a provider sign-in). */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  mfaToken?: string;

  @IsSecondFactorCode()
  code: string;
}
