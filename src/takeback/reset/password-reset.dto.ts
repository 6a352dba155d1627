import { IsString } from 'class-validator';
import { IsAccountEmail, IsPasswordInput } from '#src/common/validation/field.decorators';

export class ForgotPasswordDto {
  @IsAccountEmail()
  email: string;
}

export class ResetPasswordDto {
  /** The token from the mailed link; any other string is 400 `EMAIL_TOKEN_INVALID`. */
  @IsString()
  token: string;

  @IsPasswordInput('new')
  newPassword: string;
}
