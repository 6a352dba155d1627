import type { PasswordPolicyReason } from '#src/common/errors/password-policy-reasons';
import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { AppError } from '#src/common/errors/app-error';
import { codePointLength } from '#src/common/validation/text';
import { authConfig } from '#src/config/auth.config';
import { commonPasswords } from './common-passwords';
import { BCRYPT_MAX_BYTES, PasswordHasher } from './password-hasher.service';

export interface PasswordContext {
  email?: string;
  username?: string | null;
  /** The account's current hash, to refuse re-using the same password. */
  currentHash?: string | null;
}

/** Parts of the user's own data shorter than this are too generic to forbid ("al" in "Royal…"). */
const MIN_USER_INFO_LENGTH = 3;

/** The contract's password policy as one reusable check that reports every failed rule at once. */
@Injectable()
export class PasswordPolicy {
  constructor(
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
    private readonly hasher: PasswordHasher,
  ) {}

  async evaluate(password: string, context: PasswordContext = {}): Promise<PasswordPolicyReason[]> {
    const rules = this.config.passwordPolicy;
    const reasons: PasswordPolicyReason[] = [];
    const length = codePointLength(password);
    if (length < rules.minLength) reasons.push('too_short');
    if (length > rules.maxLength || Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES) reasons.push('too_long');
    if (rules.requireLowercase && !/\p{Ll}/u.test(password)) reasons.push('missing_lowercase');
    if (rules.requireUppercase && !/\p{Lu}/u.test(password)) reasons.push('missing_uppercase');
    if (rules.requireDigit && !/\p{Nd}/u.test(password)) reasons.push('missing_digit');
    if (rules.requireSpecial && !/[^\p{L}\p{N}]/u.test(password)) reasons.push('missing_special');
    if (rules.rejectCommon && isCommon(password)) reasons.push('common');
    if (rules.rejectUserInfo && containsUserInfo(password, context)) reasons.push('contains_user_info');
    if (context.currentHash && !reasons.includes('too_long') && (await this.hasher.verify(password, context.currentHash))) {
      reasons.push('same_as_current');
    }
    return reasons;
  }

  /** Throws 422 PASSWORD_POLICY_VIOLATION with every reason when the password breaks the policy. */
  async assertAcceptable(password: string, context: PasswordContext = {}): Promise<void> {
    const reasons = await this.evaluate(password, context);
    if (reasons.length > 0) {
      throw new AppError('PASSWORD_POLICY_VIOLATION', 'The password does not meet the password policy.', { reasons });
    }
  }
}

/** The password itself, or its base word with trailing digits and symbols removed, is a common one. */
function isCommon(password: string): boolean {
  const list = commonPasswords();
  const lower = password.toLowerCase();
  const base = lower.replace(/[^\p{L}]+$/u, '');
  return list.has(lower) || (base.length > 0 && list.has(base));
}

function containsUserInfo(password: string, context: PasswordContext): boolean {
  const lower = password.toLowerCase();
  const localPart = context.email?.slice(0, context.email.lastIndexOf('@')).toLowerCase();
  return [localPart, context.username?.toLowerCase()].some(
    (part) => part !== undefined && part !== null && part.length >= MIN_USER_INFO_LENGTH && lower.includes(part),
  );
}
