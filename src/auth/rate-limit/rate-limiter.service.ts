import { Injectable } from '@nestjs/common';
import { TooManyRequestsError } from '../../common/errors/app-error';
import type { RateLimit } from '../../config/env-reader';
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

  /** Throws 429 when the key has used up its limit, without counting this request. */
  async assertAllowed(rule: RateLimit, key: string): Promise<void> {
    const window = await this.store.read(key);
    if (window.count >= rule.limit) throw new TooManyRequestsError(window.resetInSeconds);
  }

  /** Counts a failure (for limits on failed attempts only). */
  async recordFailure(rule: RateLimit, key: string): Promise<void> {
    await this.store.increment(key, rule.windowSeconds);
  }

  async clear(key: string): Promise<void> {
    await this.store.reset(key);
  }
}
