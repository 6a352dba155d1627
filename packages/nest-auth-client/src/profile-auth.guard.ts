import { Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { ProfileUser } from './options';
import { PROFILE_JWT_STRATEGY } from './profile-jwt.strategy';

/** Lets a request through only with a valid access token of the profile service; `@CurrentUser()` reads it. */
@Injectable()
export class ProfileAuthGuard extends AuthGuard(PROFILE_JWT_STRATEGY) {
  override handleRequest<TUser = ProfileUser>(error: unknown, user: ProfileUser | false, info: unknown): TUser {
    if (error instanceof Error) throw error;
    if (!user) throw new UnauthorizedException(info instanceof Error ? info.message : 'an access token is required');
    return user as TUser;
  }
}
