import type { PasswordPolicyReason } from '#src/common/errors/password-policy-reasons';
import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { codePointLength } from '#src/common/validation/text';
import { passwordConfig } from '#src/config/password.config';
import { type BreachCount, BreachedPasswords } from './breached-passwords';
import { commonPasswords } from './common-passwords';
import { BCRYPT_MAX_BYTES, PasswordHasher } from './password-hasher.service';
import { PasswordErrors } from './password.errors';

export interface PasswordContext {
  email?: string;
  username?: string | null;
  displayName?: string | null;
  /** The account's current hash, to refuse re-using the same password. */
  currentHash?: string | null;
}

/** What the policy found: every failed rule, and the breach count (null: the range API could not be asked). */
export interface PolicyVerdict {
  reasons: PasswordPolicyReason[];
  breachCount: BreachCount;
}

/** Parts of the user's own data shorter than this are too generic to forbid ("al" in "Royal…"). */
const MIN_USER_INFO_LENGTH = 3;

/**
 * The contract's password policy (NIST SP 800-63B-4: length over composition, and never a common, breached or
 * expected one) as one check that reports every failed rule at once. Takes the password normalised (NFKC).
 */
@Injectable()
export class PasswordPolicy {
  constructor(
    @Inject(passwordConfig.KEY) private readonly config: Settings<typeof passwordConfig>,
    private readonly hasher: PasswordHasher,
    private readonly breaches: BreachedPasswords,
  ) {}

  async evaluate(password: string, context: PasswordContext = {}): Promise<PolicyVerdict> {
    const rules = this.config.policy;
    const reasons: PasswordPolicyReason[] = [];
    const length = codePointLength(password);
    if (length < rules.minLength) reasons.push('too_short');
    if (length > rules.maxLength || Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES) reasons.push('too_long');
    if (rules.requireLowercase && !/\p{Ll}/u.test(password)) reasons.push('missing_lowercase');
    if (rules.requireUppercase && !/\p{Lu}/u.test(password)) reasons.push('missing_uppercase');
    if (rules.requireDigit && !/\p{Nd}/u.test(password)) reasons.push('missing_digit');
    if (rules.requireSpecial && !/[^\p{L}\p{N}]/u.test(password)) reasons.push('missing_special');
    if (rules.rejectCommon && isCommon(password)) reasons.push('common');
    // Too short or too long is reason enough; the range API is asked only about a password that could be kept.
    const breachCount = reasons.includes('too_short') || reasons.includes('too_long') ? 0 : await this.breaches.count(password);
    if (breachCount !== null && breachCount > 0) reasons.push('breached');
    if (rules.rejectUserInfo && containsUserInfo(password, context, rules.contextWords)) reasons.push('contains_user_info');
    if (context.currentHash && !reasons.includes('too_long') && (await this.hasher.verify(password, context.currentHash))) {
      reasons.push('same_as_current');
    }
    return { reasons, breachCount };
  }

  /** Throws 422 PASSWORD_POLICY_VIOLATION with every reason (and `breachCount`) when the password breaks the policy. */
  async assertAcceptable(password: string, context: PasswordContext = {}): Promise<PolicyVerdict> {
    const verdict = await this.evaluate(password, context);
    if (verdict.reasons.length > 0) throw PasswordErrors.policyViolation(verdict.reasons, verdict.breachCount);
    return verdict;
  }
}

/** The password itself, or its base word with trailing digits and symbols removed, is a common one. */
function isCommon(password: string): boolean {
  const list = commonPasswords();
  const lower = password.toLowerCase();
  const base = lower.replace(/[^\p{L}]+$/u, '');
  return list.has(lower) || (base.length > 0 && list.has(base));
}

/** Letters and digits only, lower-cased: "Profile Service" is in "profileservice2024!". */
const squeeze = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

function containsUserInfo(password: string, context: PasswordContext, contextWords: string[]): boolean {
  const lower = password.toLowerCase();
  const squeezed = squeeze(password);
  const localPart = context.email?.slice(0, context.email.lastIndexOf('@')).toLowerCase();
  const own = [localPart, context.username?.toLowerCase(), context.displayName?.toLowerCase()];
  if (own.some((part) => part !== undefined && part !== null && part.length >= MIN_USER_INFO_LENGTH && lower.includes(part))) return true;
  return contextWords.some((word) => {
    const part = squeeze(word);
    return part.length >= MIN_USER_INFO_LENGTH && squeezed.includes(part);
  });
}
