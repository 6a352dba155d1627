import { AppError } from '#src/common/errors/app-error';

/** Signing in: what a wrong credential or a spent second step answers. The codes and their statuses are the table in common/errors/error-codes.ts. */
export const SignInErrors = {
  wrongEmailOrPassword: (): AppError => new AppError('INVALID_CREDENTIALS', 'The email or password is not correct.'),
  secondFactorRefused: (): AppError => new AppError('INVALID_CREDENTIALS', 'The second factor was not accepted.'),
  passkeyRefused: (): AppError => new AppError('INVALID_CREDENTIALS', 'The passkey was not accepted. Try again, or sign in with your password.'),
  mfaTokenInvalid: (): AppError => new AppError('MFA_TOKEN_INVALID', 'This sign-in has expired or was already completed. Sign in again.'),
};
