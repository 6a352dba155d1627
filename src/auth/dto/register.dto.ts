import { IsOptional } from 'class-validator';
import { IsAccountEmail, IsDisplayName, IsPasswordInput, IsUsername } from '../../common/validation/field.decorators';

export class RegisterDto {
  @IsAccountEmail()
  email: string;

  /** Checked against the password policy (422 PASSWORD_POLICY_VIOLATION with `details.reasons`). */
  @IsPasswordInput()
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
