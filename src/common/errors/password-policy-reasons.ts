/** The codes of `details.reasons` in a PASSWORD_POLICY_VIOLATION: part of the error contract. */
export const PASSWORD_POLICY_REASONS = [
  'too_short',
  'too_long',
  'missing_lowercase',
  'missing_uppercase',
  'missing_digit',
  'missing_special',
  'common',
  'breached',
  'contains_user_info',
  'same_as_current',
] as const;

export type PasswordPolicyReason = (typeof PASSWORD_POLICY_REASONS)[number];
