/** What a provider's callback can end in, and what it established about the person. */

/** The `error=` codes a redirect back may carry; the client shows its own message for each. */
export type CallbackError =
  | 'invalid_state'
  | 'access_denied'
  | 'provider_error'
  | 'provider_unavailable'
  | 'invalid_response'
  | 'email_not_verified'
  | 'account_exists'
  | 'identity_in_use'
  | 'provider_already_linked'
  | 'identity_not_linked'
  | 'stale_authentication'
  | 'session_revoked'
  | 'mfa_required'
  | 'second_factor_required'
  | 'account_locked';

export class CallbackFailure extends Error {
  constructor(readonly error: CallbackError) {
    super(error);
  }
}

/** What this service takes from a validated ID token. */
export interface ProviderIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  authTime: number | null;
  /** The standard `locale` and `zoneinfo` claims, as sent (a new account's language and zone when valid). */
  locale: string | null;
  zoneinfo: string | null;
}
