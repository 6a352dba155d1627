import { Module } from '@nestjs/common';
import { authConfig } from '../config/auth.config';
import type { Settings } from '../config/settings-token';
import { AuthIpRateLimitGuard } from './auth-ip-rate-limit.guard';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RateLimitStore } from './rate-limit.store';
import { RateLimiter } from './rate-limiter.service';

/** Fixed-window counters (in memory, or in Redis shared by every instance) and the per-IP guard of credential routes. */
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
  ],
  exports: [RateLimiter, AuthIpRateLimitGuard],
})
export class RateLimitModule {}
