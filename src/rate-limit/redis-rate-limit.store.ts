import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppError } from '#src/common/errors/app-error';
import { RateLimitStore, type WindowCount } from './rate-limit.store';

// Increment and start the window atomically, so parallel first hits on several instances agree.
const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }`;

/** Counters shared by every instance through Redis (REDIS_URL). */
export class RedisRateLimitStore extends RateLimitStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RedisRateLimitStore.name);
  private readonly redis: Redis;

  private readonly prefix: string;

  constructor(url: string, keyPrefix: string) {
    super();
    this.prefix = `${keyPrefix}rl:`;
    // No offline queue: when Redis is away, a request fails fast with 503 instead of hanging.
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
  }

  /** Connects before the first request, so a missing Redis stops the boot instead of failing logins. */
  async onModuleInit(): Promise<void> {
    await this.redis.connect();
  }

  async increment(key: string, windowSeconds: number): Promise<WindowCount> {
    const [count, ttl] = (await this.call(() => this.redis.eval(INCREMENT, 1, this.prefix + key, windowSeconds * 1000))) as [number, number];
    return { count, resetInSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
  }

  async reset(key: string): Promise<void> {
    await this.call(() => this.redis.del(this.prefix + key));
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.logger.error(`Redis rate-limit store unavailable: ${(error as Error).message}`);
      throw new AppError('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable.');
    }
  }
}
