import { ApiInteger } from '#src/common/decorators/api-formats.decorator';
import { IsOptional } from 'class-validator';
import { IsPasswordInput } from '#src/common/validation/field.decorators';
import { IsSecondFactorCode } from '#src/second-factors/factors.dto';

/** One of the two: the password (an account without a second factor), or a second-factor code. */
export class StepUpDto {
  /** The account's current password. */
  @IsOptional()
  @IsPasswordInput('current')
  password?: string;

  /** A code of the authenticator app, or a recovery code: what an account with a second factor steps up with. */
  @IsOptional()
  @IsSecondFactorCode()
  code?: string;
}

export class StepUpResponseDto {
  /** Signed JWT (`typ: step-up+jwt`) bound to this user and session; send it as `X-Step-Up-Token`. Also set as the `step_up_token` cookie. */
  stepUpToken: string;

  /** Seconds until it expires. @example 300 */
  @ApiInteger(300)
  expiresIn: number;
}
