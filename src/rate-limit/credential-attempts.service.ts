import { Inject, Injectable } from '@nestjs/common';
import { rateLimitSubject } from '#src/common/http/client-ip';
import { emailLookupKey } from '#src/common/validation/email';
import { authConfig } from '#src/config/auth.config';
import type { Settings } from '#src/config/settings-token';
import { RateLimiter } from './rate-limiter.service';

/**
 * Credential checks under their limits. Passwords: AUTH_RATE_LIMIT_ACCOUNT, one counter per account and IP (or
 * IPv6 /64); a right password clears it, so it counts failures. Second factors (codes, passkeys, a TOTP
 * enrolment's first code): MFA_RATE_LIMIT_ACCOUNT, one counter per account across every IP, which only a right
 * second factor clears, never a password (else a known password would reset the count of guessed codes). While
 * a counter is full even the right credential is refused (429).
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
  check(email: string, ip: string, verify: () => Promise<boolean>): Promise<boolean> {
    return this.counted(this.config.accountRateLimit, `auth-account:${emailLookupKey(email)}:${rateLimitSubject(ip)}`, verify);
  }

  /** A second factor of the account, counted the same way on the account's own second-factor counter. */
  checkSecondFactor(userId: string, verify: () => Promise<boolean>): Promise<boolean> {
    return this.counted(this.config.mfaAccountRateLimit, `mfa-account:${userId}`, verify);
  }

  private async counted(rule: Settings<typeof authConfig>['accountRateLimit'], key: string, verify: () => Promise<boolean>): Promise<boolean> {
    await this.limiter.consume(rule, key);
    const valid = await verify();
    if (valid) await this.limiter.clear(key);
    return valid;
  }
}
