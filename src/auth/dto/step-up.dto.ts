import { ApiInteger } from '../../common/decorators/api-formats.decorator';
import { IsPasswordInput } from '../../common/validation/field.decorators';

export class StepUpDto {
  /** The account's current password. */
  @IsPasswordInput('current')
  password: string;
}

export class StepUpResponseDto {
  /** Signed JWT (`typ: step-up+jwt`) bound to this user and session; send it as `X-Step-Up-Token`. Also set as the `step_up_token` cookie. */
  stepUpToken: string;

  /** Seconds until it expires. @example 300 */
  @ApiInteger(300)
  expiresIn: number;
}
