import { AppError } from '#src/common/errors/app-error';

/** Stepping up. The codes and their statuses are the table in common/errors/error-codes.ts. */
export const StepUpErrors = {
  passwordOrCode: (): AppError =>
    new AppError('VALIDATION_FAILED', 'Give either the password or a code.', {
      fields: { password: ['give either password or code'], code: ['give either password or code'] },
    }),
  noPassword: (): AppError => new AppError('NO_PASSWORD', 'This account has no password; step up through a linked identity provider.'),
  wrongPassword: (): AppError => new AppError('INVALID_CREDENTIALS', 'The password is not correct.'),
  wrongCode: (): AppError => new AppError('INVALID_CREDENTIALS', 'The code is not correct.'),
  passkeyRefused: (): AppError => new AppError('INVALID_CREDENTIALS', 'The passkey was not accepted.'),
};
