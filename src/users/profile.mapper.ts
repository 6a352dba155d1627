import type { ProfileResponseDto } from './dto/profile-response.dto';
import type { UserEntity } from './user.entity';

/** Lists every field of the profile response; an entity is never returned as it is. */
export function toProfileResponse(user: UserEntity): ProfileResponseDto {
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
    avatar: null,
    identityProviders: user.passwordChangedAt ? [{ provider: 'password', connectedAt: user.passwordChangedAt.toISOString() }] : [],
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
