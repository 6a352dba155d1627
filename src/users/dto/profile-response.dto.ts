import { ApiProperty } from '@nestjs/swagger';
import { ApiTimestamp, ApiUuid } from '#src/common/decorators/api-formats.decorator';
import { localeDescription } from '#src/common/validation/field.decorators';
import { supportedLanguages } from '#src/i18n/catalogue';
export class PendingEmailDto {
  /** The address waiting for verification. */
  email: string;

  /** When the verification link stops working. */
  @ApiTimestamp()
  expiresAt: string;
}

export class AvatarSizesDto {
  '64': string;
  '256': string;
  '512': string;
}

export class AvatarDto {
  /** The 512 px rendition. */
  url: string;

  sizes: AvatarSizesDto;

  @ApiTimestamp()
  updatedAt: string;
}

export class IdentityProviderDto {
  /**
   * `password`, or the id of a configured OpenID Connect provider.
   * @example "password"
   */
  provider: string;

  @ApiTimestamp()
  connectedAt: string;

  /** The provider's address for this identity when it was linked (null if the provider gave none); absent for `password`. */
  email?: string | null;
}

/** The signed-in user's own profile. Holds no secret. */
export class PendingDeletionDto {
  @ApiTimestamp()
  deleteAt: string;
}

export class ProfileResponseDto {
  /** @example "0b0e5d8e-3c1d-4c8e-9f55-0d5a9f0e7f11" */
  @ApiUuid()
  id: string;

  /** @example "ada@example.com" */
  email: string;

  emailVerified: boolean;

  /** Set while an email change waits for verification. */
  pendingEmail: PendingEmailDto | null;

  /** @example "ada" */
  username: string | null;

  /** @example "Ada Lovelace" */
  displayName: string | null;

  bio: string | null;

  @ApiProperty({ example: 'en', description: localeDescription(supportedLanguages()) })
  locale: string;

  /** IANA time zone. @example "Europe/London" */
  timezone: string;

  avatar: AvatarDto | null;

  identityProviders: IdentityProviderDto[];

  /** The current password was found in a breach corpus after it was set: change it (a mail said so too). */
  passwordBreached: boolean;

  /** Set while a deletion is scheduled (ACCOUNT_DELETION_GRACE): the account goes at `deleteAt` unless cancelled. */
  deletionScheduled: PendingDeletionDto | null;

  @ApiTimestamp()
  createdAt: string;

  @ApiTimestamp()
  updatedAt: string;
}
