import { Injectable } from '@nestjs/common';
import { CredentialAttempts } from '#src/rate-limit/credential-attempts.service';
import { PasswordHasher } from './password-hasher.service';
import { type PasswordContext, PasswordPolicy } from './password-policy.service';

/**
 * The one door to passwords for the rest of the service: a new password is checked against the policy and
 * hashed (bcrypt, off the event loop); a presented one is compared under the per-account attempt limit.
 */
@Injectable()
export class PasswordService {
  constructor(
    private readonly policy: PasswordPolicy,
    private readonly hasher: PasswordHasher,
    private readonly attempts: CredentialAttempts,
  ) {}

  /** The hash of an acceptable new password; PASSWORD_POLICY_VIOLATION (every failed rule) otherwise. */
  async hashNew(password: string, context: PasswordContext): Promise<string> {
    await this.policy.assertAcceptable(password, context);
    return this.hasher.hash(password);
  }

  /** Whether the password matches, counted on the account's failure counter (sign-in and step-up). */
  check(email: string, ip: string, password: string, hash: string | null | undefined): Promise<boolean> {
    return this.attempts.check(email, ip, () => this.hasher.verify(password, hash));
  }
}
