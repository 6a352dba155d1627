import { Injectable } from '@nestjs/common';
import { CredentialAttempts } from '#src/rate-limit/credential-attempts.service';
import type { NewPassword } from '#src/users/users.repository';
import { type PasswordMatch, PasswordHasher, normalisePassword } from './password-hasher.service';
import { type PasswordContext, PasswordPolicy } from './password-policy.service';

/**
 * The one door to passwords for the rest of the service: a new password is normalised (NFKC), checked against
 * the policy (the breach corpus included) and hashed (bcrypt, off the event loop); a presented one is compared
 * under the per-account attempt limit.
 */
@Injectable()
export class PasswordService {
  constructor(
    private readonly policy: PasswordPolicy,
    private readonly hasher: PasswordHasher,
    private readonly attempts: CredentialAttempts,
  ) {}

  /** The hash of an acceptable new password; PASSWORD_POLICY_VIOLATION (every failed rule) otherwise. */
  async hashNew(password: string, context: PasswordContext): Promise<NewPassword> {
    const normalised = normalisePassword(password);
    const verdict = await this.policy.assertAcceptable(normalised, context);
    return { hash: await this.hasher.hash(normalised), checkedAt: verdict.breachCount === null ? null : new Date() };
  }

  /**
   * How the password matched (null: it did not), counted on the account's failure counter (sign-in and step-up).
   * `as-typed`: the hash predates normalisation (`PasswordUpkeep` replaces it after a sign-in).
   */
  async check(email: string, ip: string, password: string, hash: string | null | undefined): Promise<PasswordMatch | null> {
    let match: PasswordMatch | null = null;
    await this.attempts.check(email, ip, async () => (match = await this.hasher.match(password, hash)) !== null);
    return match;
  }
}
