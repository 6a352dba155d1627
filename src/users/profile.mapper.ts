import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { avatarConfig } from '#src/config/avatar.config';
import type { AvatarDto, IdentityProviderDto, ProfileResponseDto } from './dto/profile-response.dto';
import { UserIdentitiesRepository } from './user-identities.repository';
import type { LinkedIdentity } from './user-identity.entity';
import type { UserEntity } from './user.entity';

/** Builds the profile response field by field; an entity is never returned as it is. */
@Injectable()
export class ProfileMapper {
  constructor(
    @Inject(avatarConfig.KEY) private readonly avatars: Settings<typeof avatarConfig>,
    private readonly identities: UserIdentitiesRepository,
  ) {}

  /** The profile with its linked identities loaded (one more query); authenticated routes already have them. */
  async present(user: UserEntity): Promise<ProfileResponseDto> {
    return this.toResponse(user, await this.identities.listForUser(user.id));
  }

  toResponse(user: UserEntity, identities: LinkedIdentity[]): ProfileResponseDto {
    return {
      id: user.id,
      email: user.email,
      emailVerified: user.emailVerified,
      pendingEmail:
        user.pendingEmail && user.pendingEmailExpiresAt && user.pendingEmailExpiresAt > new Date()
          ? { email: user.pendingEmail, expiresAt: user.pendingEmailExpiresAt.toISOString() }
          : null,
      username: user.username,
      displayName: user.displayName,
      bio: user.bio,
      locale: user.locale,
      timezone: user.timezone,
      avatar: this.toAvatar(user),
      identityProviders: this.toIdentityProviders(user, identities),
      passwordBreached: user.passwordBreached,
      deletionScheduled: user.deleteAt ? { deleteAt: user.deleteAt.toISOString() } : null,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }

  /** `password` first when the account has one (since it was last set), then each linked provider. */
  private toIdentityProviders(user: UserEntity, identities: LinkedIdentity[]): IdentityProviderDto[] {
    const password: IdentityProviderDto[] = user.passwordChangedAt ? [{ provider: 'password', connectedAt: user.passwordChangedAt.toISOString() }] : [];
    return password.concat(
      identities.map((identity) => ({
        provider: identity.provider,
        connectedAt: identity.createdAt.toISOString(),
        email: identity.email,
      })),
    );
  }

  toAvatar(user: Pick<UserEntity, 'id' | 'avatarVersion' | 'avatarUpdatedAt'>): AvatarDto | null {
    if (!user.avatarVersion || !user.avatarUpdatedAt) return null;
    const url = (size: number) => `${this.avatars.publicBaseUrl}/${user.id}/${user.avatarVersion}/${size}.webp`;
    const sizes = Object.fromEntries(this.avatars.sizes.map((size) => [String(size), url(size)])) as unknown as AvatarDto['sizes'];
    return { url: url(this.avatars.sizes[this.avatars.sizes.length - 1]), sizes, updatedAt: user.avatarUpdatedAt.toISOString() };
  }
}
