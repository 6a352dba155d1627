import { IsOptional, ValidateIf } from 'class-validator';
import { IsBio, IsDisplayName, IsLocaleTag, IsTimeZone, IsUsername } from '../../common/validation/field.decorators';

/**
 * Any subset of the editable fields: an absent field stays unchanged, `null` clears username, displayName or
 * bio. Every other field (email, password, id, roles, …) is refused with 400, never ignored.
 */
export class UpdateProfileDto {
  @IsOptional()
  @IsUsername()
  username?: string | null;

  @IsOptional()
  @IsDisplayName()
  displayName?: string | null;

  @IsOptional()
  @IsBio()
  bio?: string | null;

  /** Cannot be null. */
  @ValidateIf((_object, value) => value !== undefined)
  @IsLocaleTag()
  locale?: string;

  /** Cannot be null. */
  @ValidateIf((_object, value) => value !== undefined)
  @IsTimeZone()
  timezone?: string;
}
