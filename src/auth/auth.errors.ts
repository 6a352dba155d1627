import { AppError } from '#src/common/errors/app-error';

/** Who is calling: the access token, the session, the refresh token. The codes and their statuses are the table in common/errors/error-codes.ts. */
export const AuthErrors = {
  accessTokenExpired: (): AppError => new AppError('ACCESS_TOKEN_EXPIRED', 'The access token has expired.'),
  accessTokenInvalid: (): AppError => new AppError('ACCESS_TOKEN_INVALID', 'The access token is not valid.'),
  malformedAuthorization: (): AppError => new AppError('ACCESS_TOKEN_INVALID', 'The Authorization header must be "Bearer <token>".'),
  authenticationRequired: (): AppError => new AppError('AUTHENTICATION_REQUIRED', 'An access token is required.'),
  sessionEnded: (): AppError => new AppError('SESSION_REVOKED', 'This session has ended; sign in again.'),
  refreshTokenMissing: (): AppError => new AppError('REFRESH_TOKEN_INVALID', 'A refresh token is required.'),
  refreshTokenInvalid: (): AppError => new AppError('REFRESH_TOKEN_INVALID', 'The refresh token is not valid.'),
  refreshTokenReused: (): AppError => new AppError('REFRESH_TOKEN_REUSED', 'This refresh token was already used; the session has been ended.'),
  noSuchSession: (): AppError => new AppError('NOT_FOUND', 'No such session.'),
};
