import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '../../config/settings-token';
import { rateLimitSubject } from '../../common/http/client-ip';
import { emailLookupKey } from '../../common/validation/email';
import { authConfig } from '../../config/auth.config';
import { RateLimiter } from '../../rate-limit/rate-limiter.service';
import { PasswordHasher } from './password-hasher.service';

/**
 * A password check under AUTH_RATE_LIMIT_ACCOUNT: one counter of login and step-up attempts per account and
 * IP (or IPv6 /64); a success clears it, so it counts failures. While it is full even the right password is
 * refused (429).
 */
@Injectable()
export class PasswordAttempts {
  constructor(
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  /**
   * The attempt is counted (one atomic increment) before the password is compared, so attempts made in
   * parallel cannot all pass a limit that was read before any of them failed.
   */
  async check(email: string, ip: string, password: string, hash: string | null | undefined): Promise<boolean> {
    const key = `auth-account:${emailLookupKey(email)}:${rateLimitSubject(ip)}`;
    await this.limiter.consume(this.config.accountRateLimit, key);
    const valid = await this.hasher.verify(password, hash);
    if (valid) await this.limiter.clear(key);
    return valid;
  }
}
