import { IsPasswordInput } from '../../common/validation/field.decorators';

export class ChangePasswordDto {
  /** Checked against the password policy, including `same_as_current`. */
  @IsPasswordInput()
  newPassword: string;
}
