import { IsOptional } from 'class-validator';
import { IsAccountEmail, IsLocaleTag, IsPasswordInput, IsTimeZone } from '#src/common/validation/field.decorators';
import { supportedLanguages } from '#src/i18n/catalogue';
import { ProfileNameFields } from '#src/users/dto/profile-name-fields.dto';

export class RegisterDto extends ProfileNameFields {
  @IsAccountEmail()
  email: string;

  @IsPasswordInput('new')
  password: string;

  /** The language of the account's mails and pages; absent: taken from Accept-Language, else DEFAULT_LOCALE. */
  @IsOptional()
  @IsLocaleTag(supportedLanguages())
  locale?: string;

  /** The zone times in mails are shown in; absent: UTC. */
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}

export class ResendVerificationDto {
  @IsAccountEmail()
  email: string;
}
