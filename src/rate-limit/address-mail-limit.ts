import { emailLookupKey } from '#src/common/validation/email';
import type { RateLimit } from '#src/config/env-reader';
import type { RateLimiter } from './rate-limiter.service';

/** Mails anyone may ask for, per address (API.md §3): one a minute, five an hour, account or not. */
const PER_ADDRESS: RateLimit[] = [
  { limit: 1, windowSeconds: 60 },
  { limit: 5, windowSeconds: 3600 },
];

/** Counts a request for a `kind` of mail to `email` (password reset, verification resend); 429 past the limits. */
export async function limitMailsToAddress(limiter: RateLimiter, kind: string, email: string): Promise<void> {
  for (const rule of PER_ADDRESS) await limiter.consume(rule, `address-mail:${kind}:${rule.windowSeconds}:${emailLookupKey(email)}`);
}
