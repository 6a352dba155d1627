import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { escapeHtml } from '../../src/common/http/html';
import { emailLookupKey } from '../../src/common/validation/email';
import { Catalogue, type MessageValues, readCatalogues } from '../../src/i18n/catalogue';
import { EmailTokenEntity, type EmailTokenPurpose } from '../../src/users/email-tokens/email-token.entity';
import { UserEntity } from '../../src/users/user.entity';
import { OTHER_STRONG_PASSWORD, STRONG_PASSWORD, type SignedIn, login, stepUp, uniqueEmail } from '../helpers/factories';
import { partOf } from '../helpers/mime-text';
import { type ReceivedMail, type SmtpListener, startSmtpListener, tokenIn } from '../helpers/smtp';
import { type TestApp, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';
const THIRD_PASSWORD = 'Zp7&kQm2#vRt bright meadow';
const PRODUCT = 'Atelier';
const APP_URL = 'https://app.example.test';
const catalogues = new Map([...readCatalogues()].map(([language, messages]) => [language, new Catalogue(language, messages)]));
const catalogue = (language: string) => catalogues.get(language) as Catalogue;

/** Each language, reached through a tag it must be matched from, with a zone whose times differ from UTC. */
const ACCOUNTS = [
  { language: 'en', locale: 'en-GB', timezone: 'America/New_York' },
  { language: 'de', locale: 'de-AT', timezone: 'Europe/Vienna' },
  { language: 'fr', locale: 'fr-CA', timezone: 'America/Montreal' },
  { language: 'es', locale: 'es-MX', timezone: 'America/Mexico_City' },
  { language: 'ja', locale: 'ja', timezone: 'Asia/Tokyo' },
  { language: 'ar', locale: 'ar-EG', timezone: 'Africa/Cairo' },
];

/** The address the service mails: the domain lower-cased, as it stores it. */
const mailbox = (email: string) => email.replace(/@.*/, '@example.com');

describe('mails and pages in the account’s language and time zone, over real SMTP', () => {
  let t: TestApp;
  let smtp: SmtpListener;
  before(async () => {
    smtp = await startSmtpListener();
    t = await startTestApp({ SMTP_URL: smtp.url, PRODUCT_NAME: PRODUCT, APP_URL, PUBLIC_URL: 'https://id.example.test', TRUST_PROXY: 'true' });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  /** Triggers a mail and returns the next one to `address`. */
  async function mailTo(address: string, action: () => Promise<unknown>): Promise<ReceivedMail> {
    const since = smtp.received.length;
    await action();
    return smtp.nextTo(address, since);
  }

  /**
   * The mail is `kind` in `language`, word for word from the catalogue: its subject, title and the given
   * paragraphs in the text part; the HTML part declares the language and direction and says the same.
   */
  function assertMail(mail: ReceivedMail, language: string, kind: string, paragraphs: string[], values: MessageValues = {}): void {
    const c = catalogue(language);
    const all = { product: PRODUCT, appUrl: APP_URL, ...values };
    assert.equal(mail.subject, c.t(`mail.${kind}.subject`, all), `${language} ${kind}: subject`);
    const text = partOf(mail.raw, 'text/plain');
    const html = partOf(mail.raw, 'text/html');
    for (const key of ['title', ...paragraphs]) {
      const expected = c.t(key.startsWith('mail.') ? key : `mail.${kind}.${key}`, all);
      assert.ok(text.includes(expected), `${language} ${kind}.${key} in the text part:\n${expected}\n---\n${text}`);
    }
    assert.ok(text.endsWith(c.t('mail.footer', all)), `${language} ${kind}: footer`);
    assert.match(html, new RegExp(`<html lang="${language}" dir="${c.direction}">`), `${language} ${kind}: lang and dir`);
    assert.ok(html.includes(`<h1 style="font-size:1.3em">${escapeHtml(c.t(`mail.${kind}.title`, all))}</h1>`), `${language} ${kind}: the HTML part's heading`);
  }

  /** When the account's latest link of `purpose` made after `since` expires (a mail job stores its token just after sending). */
  async function expiryOf(userId: string, purpose: EmailTokenPurpose, since = new Date(0)): Promise<Date> {
    for (let i = 0; i < 100; i++) {
      const [row] = await t.db.getRepository(EmailTokenEntity).find({ where: { userId, purpose }, order: { createdAt: 'DESC' }, take: 1 });
      if (row && row.createdAt >= since) return row.expiresAt;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no ${purpose} token`);
  }

  /** The moments between two instants as the mail could have written them (a minute may turn meanwhile). */
  const momentsBetween = (c: Catalogue, timezone: string, from: number, to: number) => [...new Set([from, to].map((ms) => c.dateTime(new Date(ms), timezone)))];

  const auth = (user: SignedIn) => ({ Authorization: `Bearer ${user.accessToken}` });
  const stepUpAuth = async (user: SignedIn) => ({ ...auth(user), 'X-Step-Up-Token': await stepUp(t, user) });

  for (const account of ACCOUNTS) {
    it(`${account.language} (${account.locale}, ${account.timezone}): verification, new sign-in, password changed, email change and its undo, reset, goodbye`, async () => {
      const { language, timezone } = account;
      const c = catalogue(language);
      const email = uniqueEmail(`lang-${language}`);

      const verification = await mailTo(mailbox(email), () =>
        t.http.post('/api/auth/register').set('Accept-Language', 'fr').send({ email, password: STRONG_PASSWORD, locale: account.locale, timezone }),
      );
      assertMail(verification, language, 'addressVerification', ['p1', 'p2']);
      assert.ok(verification.raw.includes(`${c.t('mail.addressVerification.action')}: https://id.example.test/verify-email?token=`), 'the action and its link');
      assert.equal((await t.http.post('/api/auth/email/verify').send({ token: tokenIn(verification) })).status, 200, 'the link works');

      let user = await login(t, email, STRONG_PASSWORD);
      const profile = await t.http.get(ME).set(auth(user));
      assert.equal(profile.body.locale, account.locale, 'the locale is stored as given (canonical), not as matched');

      const beforeSignIn = Date.now();
      const alert = await mailTo(mailbox(email), () =>
        t.http
          .post('/api/auth/login')
          .set('User-Agent', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0')
          .set('X-Forwarded-For', '203.0.113.9')
          .send({ email, password: STRONG_PASSWORD }),
      );
      const candidates = momentsBetween(c, timezone, beforeSignIn, Date.now());
      const sessionIds = [...alert.raw.matchAll(/sessions\/([0-9a-f-]{36})/g)].map((match) => match[1]);
      const newSignIn = (when: string) =>
        c.t('mail.newSignIn.p1', { method: 'password', name: '', at: when, browser: 'Firefox', os: 'macOS', ip: '203.0.113.9' });
      assert.ok(
        candidates.some((when) => partOf(alert.raw, 'text/plain').includes(newSignIn(when))),
        `${language}: the new sign-in notice says when in ${timezone}: ${candidates[0]}\n${partOf(alert.raw, 'text/plain')}`,
      );
      assertMail(alert, language, 'newSignIn', ['p2'], { route: `DELETE /api/auth/users/me/sessions/${sessionIds[0]}` });
      assert.ok(alert.raw.includes(`${c.t('mail.lockLink')}: https://id.example.test/lock-account?token=`), 'the lock link, worded in the language');

      const changed = await mailTo(mailbox(email), async () =>
        assert.equal(
          (
            await t.http
              .put(`${ME}/password`)
              .set(await stepUpAuth(user))
              .send({ newPassword: OTHER_STRONG_PASSWORD })
          ).status,
          204,
        ),
      );
      assertMail(changed, language, 'passwordChanged', ['p1', 'p2'], { first: 'no' });
      user = await login(t, email, OTHER_STRONG_PASSWORD);
      user.password = OTHER_STRONG_PASSWORD;

      const newEmail = uniqueEmail(`new-${language}`);
      const changeLink = await mailTo(mailbox(newEmail), async () =>
        assert.equal(
          (
            await t.http
              .put(`${ME}/email`)
              .set(await stepUpAuth(user))
              .send({ email: newEmail })
          ).status,
          202,
        ),
      );
      assertMail(changeLink, language, 'emailChangeVerification', ['p1', 'p2']);
      const since = smtp.received.length;
      const verified = await t.http.post('/api/auth/email/verify').send({ token: tokenIn(changeLink) });
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      const notice = await smtp.nextTo(mailbox(email), since);
      const undoUntil = c.dateTime(await expiryOf(user.userId, 'revert'), timezone);
      assertMail(notice, language, 'emailChanged', ['p1', 'p2'], { newAddress: mailbox(newEmail), undoUntil });
      assertMail(await smtp.nextTo(mailbox(newEmail), since), language, 'emailChangedToNewAddress', ['p1', 'p2'], {
        previousAddress: mailbox(email),
        undoUntil,
      });

      const undone = await mailTo(mailbox(email), async () =>
        assert.equal((await t.http.post('/api/auth/email/revert').send({ token: tokenIn(notice, 'revert-email') })).status, 200),
      );
      assertMail(undone, language, 'emailReverted', ['p1', 'p2']);

      const forgotAt = new Date();
      const reset = await mailTo(mailbox(email), async () => assert.equal((await t.http.post('/api/auth/password/forgot').send({ email })).status, 202));
      // The mail names the expiry a moment before the token is stored with it.
      const expiry = (await expiryOf(user.userId, 'reset', forgotAt)).getTime();
      const [until] = momentsBetween(c, timezone, expiry - 1000, expiry).filter((when) => partOf(reset.raw, 'text/plain').includes(when));
      assertMail(reset, language, 'passwordReset', ['p1', 'p2'], { minutes: 30, until });
      const resetToken = tokenIn(reset, 'reset-password');
      const page = await t.http.get(`/reset-password?token=${resetToken}`).set('Accept-Language', 'en-US,en;q=0.9');
      assert.equal(page.headers['content-language'], language, 'a page opened from a mail is in the account’s language, whatever the browser asks');
      assert.ok(page.text.includes(`<html lang="${language}" dir="${c.direction}">`));
      assert.ok(page.text.includes(escapeHtml(c.t('page.reset.button'))));
      assert.equal((await t.http.post('/api/auth/password/reset').send({ token: resetToken, newPassword: THIRD_PASSWORD })).status, 204, 'the link works');

      user = await login(t, email, THIRD_PASSWORD);
      user.password = THIRD_PASSWORD;
      const goodbye = await mailTo(mailbox(email), async () => assert.equal((await t.http.delete(ME).set(await stepUpAuth(user))).status, 204));
      assertMail(goodbye, language, 'accountDeleted', ['p1']);
    });
  }

  /** A mail in the account's language with, below it, the same words in the language it had before. */
  function assertTwoLanguages(mail: ReceivedMail, language: string, before: string, kind: string, paragraphs: string[]): void {
    const [first, second] = [catalogue(language), catalogue(before)];
    const values = { product: PRODUCT, appUrl: APP_URL };
    assert.equal(mail.subject, `${first.t(`mail.${kind}.subject`, values)} / ${second.t(`mail.${kind}.subject`, values)}`, 'both subjects');
    const [text, html] = [partOf(mail.raw, 'text/plain'), partOf(mail.raw, 'text/html')];
    const [firstPart, secondPart] = text.split('\n----\n');
    for (const [part, c] of [
      [firstPart, first],
      [secondPart, second],
    ] as const) {
      for (const key of ['title', ...paragraphs]) assert.ok(part.includes(c.t(`mail.${kind}.${key}`, values)), `${c.language} ${kind}.${key}:\n${part}`);
      assert.ok(part.includes(`${c.t('mail.lockLink')}: https://id.example.test/lock-account?token=`), `${c.language}: the lock link`);
    }
    assert.match(html, new RegExp(`<html lang="${language}" dir="${first.direction}">`));
    assert.match(html, new RegExp(`<div lang="${before}" dir="${second.direction}"`));
  }

  it('a change of locale on PUT /me changes the next mail’s language; for LOCK_LOOKBACK the mails carry the one before too', async () => {
    const email = uniqueEmail('switch');
    await mailTo(mailbox(email), () => t.http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD, locale: 'de' }));
    const user = await login(t, email, STRONG_PASSWORD);
    const signOutEverywhere = () => mailTo(mailbox(email), () => t.http.delete(`${ME}/sessions`).set(auth(user)));
    assertMail(await signOutEverywhere(), 'de', 'signedOutEverywhere', ['p1']);

    // Someone in the account switches it to a language its owner may not read: the owner's stays below.
    assert.equal((await t.http.put(ME).set(auth(user)).send({ locale: 'ja-JP', timezone: 'Asia/Tokyo' })).status, 200);
    const afterSwitch = await signOutEverywhere();
    assertTwoLanguages(afterSwitch, 'ja', 'de', 'signedOutEverywhere', ['p1']);
    // Its "this wasn't me" page: in the owner's former language when the browser asks for it, else the account's.
    const lockToken = /lock-account\?token=([\w-]+)/.exec(partOf(afterSwitch.raw, 'text/plain'))?.[1] as string;
    for (const [header, language] of [
      ['de-DE,de;q=0.9,en;q=0.5', 'de'],
      ['en', 'ja'],
      ['', 'ja'],
    ]) {
      const page = await t.http.get(`/lock-account?token=${lockToken}`).set('Accept-Language', header);
      assert.equal(page.headers['content-language'], language, `the lock page with Accept-Language "${header}"`);
      assert.ok(page.text.includes(`<h1>${escapeHtml(catalogue(language).t('page.lock.title'))}</h1>`));
    }
    // A second switch keeps the language before the first, the owner's, not the intruder's step.
    assert.equal((await t.http.put(ME).set(auth(user)).send({ locale: 'ar' })).status, 200);
    assertTwoLanguages(await signOutEverywhere(), 'ar', 'de', 'signedOutEverywhere', ['p1']);
    // Back to German: one language again.
    assert.equal((await t.http.put(ME).set(auth(user)).send({ locale: 'de' })).status, 200);
    const back = await signOutEverywhere();
    assertMail(back, 'de', 'signedOutEverywhere', ['p1']);
    assert.ok(!partOf(back.raw, 'text/plain').includes('\n----\n'), 'one language');
    const row = await t.db.getRepository(UserEntity).findOneByOrFail({ emailNormalized: emailLookupKey(email) });
    assert.deepEqual([row.previousLocale, row.previousLocaleUntil], [null, null]);
  });

  it('a change of locale older than LOCK_LOOKBACK leaves the mails in one language', async () => {
    const email = uniqueEmail('switch-old');
    await mailTo(mailbox(email), () => t.http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD, locale: 'fr' }));
    const user = await login(t, email, STRONG_PASSWORD);
    assert.equal((await t.http.put(ME).set(auth(user)).send({ locale: 'es' })).status, 200);
    await t.db.getRepository(UserEntity).update({ emailNormalized: emailLookupKey(email) }, { previousLocaleUntil: new Date(Date.now() - 1000) });
    const mail = await mailTo(mailbox(email), () => t.http.delete(`${ME}/sessions`).set(auth(user)));
    assertMail(mail, 'es', 'signedOutEverywhere', ['p1']);
    assert.ok(!partOf(mail.raw, 'text/plain').includes('\n----\n'), 'one language');
  });

  it('registration without a locale takes the best language of Accept-Language, stored canonicalised; else its first tag', async () => {
    const cases: Array<[string | undefined, string, string]> = [
      ['pt-BR, ES-mx;q=0.8, de;q=0.9', 'de', 'de'],
      ['pt-BR,pt;q=0.9', 'pt-BR', 'en'],
      ['*, ja;q=0.1', 'ja', 'ja'],
      [undefined, 'en', 'en'],
      ['not a tag!!, fr-ch;q=0.5', 'fr-CH', 'fr'],
    ];
    for (const [header, stored, language] of cases) {
      const email = uniqueEmail('accept');
      const request = t.http.post('/api/auth/register');
      if (header) void request.set('Accept-Language', header);
      const mail = await mailTo(mailbox(email), () => request.send({ email, password: STRONG_PASSWORD }));
      assertMail(mail, language, 'addressVerification', ['p1']);
      const user = await login(t, email, STRONG_PASSWORD);
      assert.equal((await t.http.get(ME).set(auth(user))).body.locale, stored, `Accept-Language ${header}`);
    }
  });

  it('a page with an unknown or used token follows Accept-Language; every page declares its language and direction', async () => {
    for (const [path, key] of [
      ['verify-email', 'verify'],
      ['revert-email', 'revert'],
      ['reset-password', 'reset'],
      ['lock-account', 'lock'],
      ['unlock-account', 'unlock'],
      ['cancel-deletion', 'cancelDeletion'],
    ]) {
      for (const [header, language] of [
        ['ar-SA,ar;q=0.9,en;q=0.5', 'ar'],
        ['fr-CA', 'fr'],
        ['pt-BR', 'en'],
        ['', 'en'],
      ]) {
        const page = await t.http.get(`/${path}?token=unknown-token`).set('Accept-Language', header);
        assert.equal(page.status, 200);
        const c = catalogue(language);
        assert.equal(page.headers['content-language'], language, `${path} with Accept-Language "${header}"`);
        assert.ok(page.text.includes(`<html lang="${language}" dir="${c.direction}">`), path);
        assert.ok(page.text.includes(`<h1>${escapeHtml(c.t(`page.${key}.title`))}</h1>`), `${path} title in ${language}`);
      }
    }
  });

  it('validates timezone against the runtime’s zones (aliases too), and the OpenAPI document lists the languages', async () => {
    const email = uniqueEmail('zone');
    await mailTo(mailbox(email), () => t.http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD }));
    const user = await login(t, email, STRONG_PASSWORD);
    for (const zone of ['Mars/Olympus_Mons', 'UTC+5', 'Europe/Nowhere']) {
      assert.equal((await t.http.put(ME).set(auth(user)).send({ timezone: zone })).status, 400, zone);
    }
    for (const [zone, stored] of [
      ['utc', 'UTC'],
      ['europe/paris', 'Europe/Paris'],
      [Intl.supportedValuesOf('timeZone')[0], Intl.supportedValuesOf('timeZone')[0]],
    ]) {
      const response = await t.http.put(ME).set(auth(user)).send({ timezone: zone });
      assert.equal(response.status, 200, zone);
      assert.equal(response.body.timezone, stored);
    }
    assert.equal((await t.http.put(ME).set(auth(user)).send({ timezone: 'Asia/Kolkata' })).status, 200, 'an alias the runtime knows');
    const document = (await t.http.get('/api/docs-json')).body;
    const description: string = document.components.schemas.UpdateProfileDto.properties.locale.description;
    for (const language of catalogues.keys()) assert.ok(description.includes(language), `${language} in "${description}"`);
  });

  it('a DEFAULT_LOCALE without a catalogue stops the start with one line naming it', async () => {
    await assert.rejects(startTestApp({ DEFAULT_LOCALE: 'pt-BR' }), /DEFAULT_LOCALE has no catalogue; the languages are ar, de, en, es, fr, ja/);
  });
});

describe('DEFAULT_LOCALE', () => {
  it('writes to an account whose locale has no catalogue in the default language', async () => {
    const smtp = await startSmtpListener();
    const t = await startTestApp({ SMTP_URL: smtp.url, DEFAULT_LOCALE: 'de-CH' });
    try {
      const email = uniqueEmail('fallback');
      await t.http.post('/api/auth/register').set('Accept-Language', 'pt-BR').send({ email, password: STRONG_PASSWORD });
      const mail = await smtp.nextTo(mailbox(email));
      assert.equal(mail.subject, catalogue('de').t('mail.addressVerification.subject', { product: 'Profile' }));
      const email2 = uniqueEmail('fallback');
      await t.http.post('/api/auth/register').send({ email: email2, password: STRONG_PASSWORD });
      const user = await login(t, email2, STRONG_PASSWORD);
      const me = await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`);
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.equal(me.body.locale, 'de-CH', 'no Accept-Language: DEFAULT_LOCALE is stored');
    } finally {
      await t.close();
      await smtp.close();
    }
  });
});
