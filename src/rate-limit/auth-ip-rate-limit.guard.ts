import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import type { FastifyRequest } from 'fastify';
import { clientIp, rateLimitSubject } from '#src/common/http/client-ip';
import { authConfig } from '#src/config/auth.config';
import { RateLimiter } from './rate-limiter.service';

/** AUTH_RATE_LIMIT_IP: every request from one IP to the credential routes, counted together. */
@Injectable()
export class AuthIpRateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const ip = clientIp(context.switchToHttp().getRequest<FastifyRequest>());
    await this.limiter.consume(this.config.ipRateLimit, `auth-ip:${rateLimitSubject(ip)}`);
    return true;
  }
}
