/** How an account may prove its second factor, strongest first (SECOND_FACTOR_REQUIRED's `details.methods`). */
export const SECOND_FACTOR_METHODS = ['passkey', 'totp', 'recovery_code'] as const;
export type SecondFactorMethod = (typeof SECOND_FACTOR_METHODS)[number];
