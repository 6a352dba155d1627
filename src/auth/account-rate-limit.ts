import { emailLookupKey } from '../common/validation/email';

/** One counter of failed login and step-up attempts per account and IP (AUTH_RATE_LIMIT_ACCOUNT). */
export function accountAttemptKey(email: string, ip: string): string {
  return `auth-account:${emailLookupKey(email)}:${ip}`;
}
