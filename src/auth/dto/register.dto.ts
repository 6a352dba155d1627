import { IsOptional } from 'class-validator';
import { IsAccountEmail, IsDisplayName, IsPasswordInput, IsUsername } from '../../common/validation/field.decorators';

export class RegisterDto {
  @IsAccountEmail()
  email: string;

  @IsPasswordInput('new')
  password: string;

  @IsOptional()
  @IsUsername()
  username?: string | null;

  @IsOptional()
  @IsDisplayName()
  displayName?: string | null;
}

export class ResendVerificationDto {
  @IsAccountEmail()
  email: string;
}

export class SuccessResponseDto {
  success: true;
}
