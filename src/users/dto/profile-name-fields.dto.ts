import { IsOptional } from 'class-validator';
import { IsDisplayName, IsUsername } from '#src/common/validation/field.decorators';

/** The names an account may carry, optional wherever they are given (registration, a profile update). */
export class ProfileNameFields {
  @IsOptional()
  @IsUsername()
  username?: string | null;

  @IsOptional()
  @IsDisplayName()
  displayName?: string | null;
}
