import { AppError } from '#src/common/errors/app-error';
import type { SecondFactorMethod } from '#src/common/errors/second-factor-methods';

/** Second factors: enrolling, using and removing them. The codes and their statuses are the table in common/errors/error-codes.ts. */
export const SecondFactorErrors = {
  secondFactorRequired: (methods: SecondFactorMethod[]): AppError =>
    new AppError('SECOND_FACTOR_REQUIRED', 'This account uses two-step sign-in: confirm with your second factor.', { methods }),
  wrongTotpCode: (): AppError => new AppError('INVALID_CODE', 'The code is not correct. Check the time on your device and try the current code.'),
  totpAlreadyOn: (): AppError =>
    new AppError('FACTOR_EXISTS', 'Two-step sign-in with an authenticator app is already on. Remove it first to set up a new one.'),
  noTotpEnrolment: (): AppError => new AppError('NOT_FOUND', 'There is no authenticator-app setup in progress for this session. Start again.'),
  totpNotOn: (): AppError => new AppError('NOT_FOUND', 'Two-step sign-in with an authenticator app is not on.'),
  passkeyNotVerified: (): AppError => new AppError('INVALID_CREDENTIAL', 'The passkey could not be verified. Start again from the options.'),
  passkeyAlreadyRegistered: (): AppError => new AppError('FACTOR_EXISTS', 'This passkey is already registered.'),
  noPasskey: (): AppError => new AppError('NO_PASSKEY', 'This account has no passkey; use a code instead.'),
  noSuchPasskey: (): AppError => new AppError('NOT_FOUND', 'There is no such passkey on your account.'),
  codesNeedASecondFactor: (): AppError => new AppError('NO_SECOND_FACTOR', 'Recovery codes need a second factor; set one up first.'),
};
