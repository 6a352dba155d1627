/** The locale fields of an account (or of a mail's recipient) that say which languages it is written to in. */
export interface AccountLocales {
  locale?: string | null;
  /** The locale before a recent change, and until when the account is written to in it too (`localeChange`). */
  previousLocale?: string | null;
  previousLocaleUntil?: Date | null;
}

/**
 * The locales an account's mails and pages are in: its locale, then, until `previousLocaleUntil`, the one before
 * its latest change (so that whoever took the account over cannot make its notices unreadable to the owner).
 */
export function accountLocales(account: AccountLocales, now = new Date()): Array<string | null | undefined> {
  const recent = !!account.previousLocale && !!account.previousLocaleUntil && account.previousLocaleUntil > now;
  return recent ? [account.locale, account.previousLocale] : [account.locale];
}
