import { Module } from '@nestjs/common';
import { authConfig } from '#src/config/auth.config';
import type { Settings } from '#src/config/settings-token';
import { AuthIpRateLimitGuard } from './auth-ip-rate-limit.guard';
import { CredentialAttempts } from './credential-attempts.service';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RateLimitStore } from './rate-limit.store';
import { RateLimiter } from './rate-limiter.service';

/**
 * Fixed-window counters (in memory, or in Redis shared by every instance), the per-IP guard of credential routes,
 * and `CredentialAttempts`, the per-account limits every password and second-factor check runs under.
 */
@Module({
  providers: [
    {
      provide: RateLimitStore,
      inject: [authConfig.KEY],
      // Redis (and its client library) only when configured: ioredis alone adds ~18 MB to the idle process.
      useFactory: async (config: Settings<typeof authConfig>): Promise<RateLimitStore> => {
        if (!config.redisUrl) return new MemoryRateLimitStore();
        const { RedisRateLimitStore } = await import('./redis-rate-limit.store.js');
        return new RedisRateLimitStore(config.redisUrl, config.redisKeyPrefix);
      },
    },
    RateLimiter,
    AuthIpRateLimitGuard,
    CredentialAttempts,
  ],
  exports: [RateLimiter, AuthIpRateLimitGuard, CredentialAttempts],
})
export class RateLimitModule {}
