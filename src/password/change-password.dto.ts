import { IsPasswordInput } from '#src/common/validation/field.decorators';

export class ChangePasswordDto {
  @IsPasswordInput('new')
  newPassword: string;
}
