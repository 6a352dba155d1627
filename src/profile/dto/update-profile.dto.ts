import { IsOptional, ValidateIf } from 'class-validator';
import { IsBio, IsLocaleTag, IsTimeZone } from '#src/common/validation/field.decorators';
import { supportedLanguages } from '#src/i18n/catalogue';
import { ProfileNameFields } from '#src/users/dto/profile-name-fields.dto';

/**
 * Any subset of the editable fields: an absent field stays unchanged, `null` clears username, displayName or
 * bio. Every other field (email, password, id, roles, …) is refused with 400, never ignored.
 */
export class UpdateProfileDto extends ProfileNameFields {
  @IsOptional()
  @IsBio()
  bio?: string | null;

  /** Cannot be null. */
  @ValidateIf((_object, value) => value !== undefined)
  @IsLocaleTag(supportedLanguages())
  locale?: string;

  /** Cannot be null. */
  @ValidateIf((_object, value) => value !== undefined)
  @IsTimeZone()
  timezone?: string;
}
