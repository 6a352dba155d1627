/**
 * Composing a mail (issue #33): every kind of mail, in every language, 10 000 times each, through the real
 * MailService and its catalogues (the subject, the text and the HTML parts, in the recipient's zone). The goal is
 * under 1 ms a mail on average: messages are compiled once, so a mail is a walk of parsed templates.
 * Usage: node dist/bench/mail-compose.js   (BENCH_MAILS=10000 per kind and language)
 */
import { parseAppConfig } from '../src/config/app.config';
import { parseMailConfig } from '../src/config/mail.config';
import { supportedLanguages } from '../src/i18n/catalogue';
import { Translations } from '../src/i18n/translations';
import { MailService, type MailRecipient, type OutgoingMail } from '../src/mail/mail.service';
import type { MailTransport } from '../src/mail/mail.transport';
import { table } from './support';

const MAILS = Number(process.env.BENCH_MAILS ?? 10_000);
const env = { PRODUCT_NAME: 'Profile', PUBLIC_URL: 'https://id.example.com' };
const mail = new MailService({} as MailTransport, new Translations(parseAppConfig(env)), parseMailConfig(env));
const token = 'x'.repeat(43);
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000);

/** One composer per kind of mail the service sends. */
const KINDS: Record<string, (to: MailRecipient) => OutgoingMail> = {
  addressVerification: (to) => mail.addressVerification(to, token),
  registrationAttempt: (to) => mail.registrationAttempt(to),
  passwordChanged: (to) => mail.passwordChanged(to, false, ['Google', 'GitHub']),
  deletionScheduled: (to) => mail.deletionScheduled(to, inAWeek(), token),
  deletionCancelled: (to) => mail.deletionCancelled(to),
  accountDeleted: (to) => mail.accountDeleted(to),
  emailChangeVerification: (to) => mail.emailChangeVerification(to, token),
  addressInUse: (to) => mail.addressInUseNotice(to),
  emailChanged: (to) => mail.withLockLink(mail.emailChangedNotice(to, 'new@example.com', { token, expiresAt: inAWeek() }), token),
  emailReverted: (to) => mail.emailRevertedNotice(to, token),
  emailRevertedKept: (to) => mail.emailRevertedNotice(to, null),
  passwordReset: (to) => mail.passwordReset(to, token, { minutes: 30, until: inAWeek() }),
  passwordWasReset: (to) => mail.passwordWasReset(to, ['Google']),
  newSignIn: (to) =>
    mail.withLockLink(
      mail.newSignIn(to, {
        method: { kind: 'passkey', name: 'YubiKey' },
        at: new Date(),
        ip: '203.0.113.9',
        browser: 'Firefox',
        os: 'macOS',
        sessionId: token,
      }),
      token,
    ),
  signedOutEverywhere: (to) => mail.signedOutEverywhere(to, []),
  providerLinked: (to) => mail.providerLinked(to, 'GitHub'),
  providerUnlinked: (to) => mail.providerUnlinked(to, 'GitHub'),
  secondFactorChanged: (to) => mail.secondFactorChanged(to, 'passkey_added'),
  providerSignInRefused: (to) => mail.providerSignInRefused(to, 'GitHub'),
  emailChangedToNewAddress: (to) => mail.emailChangedToNewAddress(to, 'old@example.com', inAWeek()),
  accountLocked: (to) => mail.accountLocked(to, { token, expiresAt: inAWeek() }),
  accountUnlocked: (to) => mail.accountUnlocked(to),
  passwordBreached: (to) => mail.passwordBreached(to, { breachCount: 52_256 }),
  dataExported: (to) => mail.dataExported(to),
};

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Africa/Cairo', 'UTC'];
let sink = 0;
const rows: Array<Record<string, string | number>> = [];
const perLanguage: Record<string, number> = {};
for (const language of supportedLanguages()) {
  let worst = 0;
  let total = 0;
  for (const [kind, compose] of Object.entries(KINDS)) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < MAILS; i++) {
      const composed = compose({ email: 'ada@example.com', locale: language, timezone: ZONES[i % ZONES.length] });
      const { text, html } = mail.render(composed);
      sink += composed.subject.length + text.length + html.length;
    }
    const microseconds = Number(process.hrtime.bigint() - started) / 1000 / MAILS;
    total += microseconds;
    if (microseconds > worst) worst = microseconds;
    if (language === 'en' || microseconds > 500) rows.push({ language, kind, 'µs per mail': microseconds.toFixed(1) });
  }
  perLanguage[language] = total / Object.keys(KINDS).length;
  rows.push({ language, kind: `mean of ${Object.keys(KINDS).length} kinds (worst ${worst.toFixed(1)})`, 'µs per mail': perLanguage[language].toFixed(1) });
}
console.log(`mail composition: ${MAILS} mails of each kind, per language (subject, text and HTML parts)\n`);
console.log(table(rows));
const mean = Object.values(perLanguage).reduce((a, b) => a + b, 0) / Object.keys(perLanguage).length;
console.log(`\nmean ${mean.toFixed(1)} µs a mail (goal: under 1000) · checksum ${sink % 997}`);
