import { AppError } from '#src/common/errors/app-error';

/** Identity providers: choosing one, starting a flow, linking and unlinking. The codes and their statuses are the table in common/errors/error-codes.ts. */
export const IdentityProviderErrors = {
  unknownProvider: (): AppError => new AppError('NOT_FOUND', 'There is no identity provider with this id.'),
  providerUnreachable: (): AppError => new AppError('SERVICE_UNAVAILABLE', 'The identity provider cannot be reached right now; try again later.'),
  oneRedirect: (): AppError => new AppError('VALIDATION_FAILED', 'Give one redirect.', { fields: { redirect: ['redirect must be a single URL'] } }),
  redirectNotAllowed: (): AppError =>
    new AppError('VALIDATION_FAILED', 'The redirect is not on the allow-list (OIDC_REDIRECT_ALLOWLIST).', {
      fields: { redirect: ['redirect must be a URL on the allow-list'] },
    }),
  alreadyLinked: (): AppError =>
    new AppError('PROVIDER_ALREADY_LINKED', 'This provider is already linked to your account; unlink it first to link another identity.'),
  notLinkedForStepUp: (): AppError => new AppError('PROVIDER_NOT_LINKED', 'This provider is not linked to your account, so it cannot confirm who you are.'),
  notLinked: (): AppError => new AppError('NOT_FOUND', 'This provider is not linked to your account.'),
  lastLoginMethod: (): AppError => new AppError('LAST_LOGIN_METHOD', 'This is your only way to sign in. Set a password or link another provider first.'),
};
