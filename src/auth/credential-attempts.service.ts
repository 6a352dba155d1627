import { Inject, Injectable } from '@nestjs/common';
import { rateLimitSubject } from '../common/http/client-ip';
import { emailLookupKey } from '../common/validation/email';
import { authConfig } from '../config/auth.config';
import type { Settings } from '../config/settings-token';
import { RateLimiter } from '../rate-limit/rate-limiter.service';

/**
 * A credential check under AUTH_RATE_LIMIT_ACCOUNT: one counter of sign-in and step-up attempts per account and
 * IP (or IPv6 /64), passwords and second-factor codes alike; a success clears it, so it counts failures. While
 * it is full even the right credential is refused (429).
 */
@Injectable()
export class CredentialAttempts {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  /**
   * The attempt is counted (one atomic increment) before the credential is compared, so attempts made in
   * parallel cannot all pass a limit that was read before any of them failed.
   */
  async check(email: string, ip: string, verify: () => Promise<boolean>): Promise<boolean> {
    const key = `auth-account:${emailLookupKey(email)}:${rateLimitSubject(ip)}`;
    await this.limiter.consume(this.config.accountRateLimit, key);
    const valid = await verify();
    if (valid) await this.limiter.clear(key);
    return valid;
  }
}
