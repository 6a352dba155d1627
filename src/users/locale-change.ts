import { accountLocales } from '#src/i18n/account-languages';

/** What an account remembers of its language when `locale` changes. */
export interface LocaleMemory {
  previousLocale: string | null;
  previousLocaleUntil: Date | null;
}

/**
 * A change of language is the first thing someone who took an account over may do, so that the owner cannot read
 * the notices that follow. For `lookbackSeconds` (LOCK_LOOKBACK) after a change, the account's mails also carry
 * the language before it. A second change inside that time keeps the first one's language: the owner's, not a
 * step of the intruder's. Changing back to it ends the overlap.
 */
export function localeChange(
  account: { locale: string; previousLocale: string | null; previousLocaleUntil: Date | null },
  newLocale: string,
  now: Date,
  lookbackSeconds: number,
): LocaleMemory {
  const [, earlier] = accountLocales(account, now);
  const before = earlier ?? account.locale;
  if (before === newLocale) return { previousLocale: null, previousLocaleUntil: null };
  return { previousLocale: before, previousLocaleUntil: new Date(now.getTime() + lookbackSeconds * 1000) };
}
