import { AppError } from '#src/common/errors/app-error';
import type { PasswordPolicyReason } from '#src/common/errors/password-policy-reasons';

/** Passwords. The codes and their statuses are the table in common/errors/error-codes.ts. */
export const PasswordErrors = {
  /** bcrypt reads at most 72 bytes: `too_long` says so, a 64-character ASCII passphrase always fits. */
  policyViolation: (reasons: PasswordPolicyReason[], breachCount: number | null): AppError =>
    new AppError(
      'PASSWORD_POLICY_VIOLATION',
      reasons.includes('too_long')
        ? 'The password does not meet the password policy (at most 128 characters and 72 bytes: bcrypt reads no more).'
        : 'The password does not meet the password policy.',
      reasons.includes('breached') ? { reasons, breachCount } : { reasons },
    ),
};
