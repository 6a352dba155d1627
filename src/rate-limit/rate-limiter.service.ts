import { Injectable } from '@nestjs/common';
import { TooManyRequestsError } from '#src/common/errors/app-error';
import type { RateLimit } from '#src/config/env-reader';
import { RateLimitStore } from './rate-limit.store';

/** Fixed-window limits over a RateLimitStore. */
@Injectable()
export class RateLimiter {
  constructor(private readonly store: RateLimitStore) {}

  /** Counts this request; throws 429 once the window holds more than the limit. */
  async consume(rule: RateLimit, key: string): Promise<void> {
    const window = await this.store.increment(key, rule.windowSeconds);
    if (window.count > rule.limit) throw new TooManyRequestsError(window.resetInSeconds);
  }

  async clear(key: string): Promise<void> {
    await this.store.reset(key);
  }
}
