import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { emailLookupKey } from '../../common/validation/email';
import { authConfig } from '../../config/auth.config';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { PasswordHasher } from './password-hasher.service';

/**
 * A password check under AUTH_RATE_LIMIT_ACCOUNT: one counter of failed login and step-up attempts per
 * account and IP. While it is full even the right password is refused (429); a success clears it.
 */
@Injectable()
export class PasswordAttempts {
  constructor(
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  async check(email: string, ip: string, password: string, hash: string | null | undefined): Promise<boolean> {
    const key = `auth-account:${emailLookupKey(email)}:${ip}`;
    await this.limiter.assertAllowed(this.config.accountRateLimit, key);
    const valid = await this.hasher.verify(password, hash);
    if (valid) await this.limiter.clear(key);
    else await this.limiter.recordFailure(this.config.accountRateLimit, key);
    return valid;
  }
}
