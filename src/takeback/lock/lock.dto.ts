import { IsString } from 'class-validator';
import { IsPasswordInput } from '#src/common/validation/field.decorators';

export class LockAccountDto {
  /** The token of a security notice's "this wasn't me" link; any other string is 400 `EMAIL_TOKEN_INVALID`. */
  @IsString()
  token: string;
}

export class UnlockAccountDto {
  /** The token of the unlock link mailed when the account was locked. */
  @IsString()
  token: string;

  @IsPasswordInput('new')
  newPassword: string;
}
