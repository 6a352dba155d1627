import { IsPasswordInput } from '../common/validation/field.decorators';

export class ChangePasswordDto {
  @IsPasswordInput('new')
  newPassword: string;
}
