import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import type { AuthenticatedRequest } from '#src/auth/guards/auth-context';
import { RateLimiter } from '#src/rate-limit/rate-limiter.service';
import { avatarConfig } from '#src/config/avatar.config';

/** AVATAR_RATE_LIMIT: uploads per account, counted before the body is read (after AccessGuard). */
@Injectable()
export class AvatarUploadRateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(avatarConfig.KEY) private readonly config: Settings<typeof avatarConfig>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { auth } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (auth) await this.limiter.consume(this.config.rateLimit, `avatar-upload:${auth.userId}`);
    return true;
  }
}
