import { IsAccountEmail, IsPasswordInput } from '#src/common/validation/field.decorators';
import { ProfileNameFields } from '#src/users/dto/profile-name-fields.dto';

export class RegisterDto extends ProfileNameFields {
  @IsAccountEmail()
  email: string;

  @IsPasswordInput('new')
  password: string;
}

export class ResendVerificationDto {
  @IsAccountEmail()
  email: string;
}
