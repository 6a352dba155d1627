import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { Catalogue, readCatalogues } from '../../src/i18n/catalogue';
import { launchChromium, noChromium } from '../helpers/browser';
import { STRONG_PASSWORD, login, uniqueEmail } from '../helpers/factories';
import { type SmtpListener, startSmtpListener, tokenIn } from '../helpers/smtp';
import { type TestApp, freePort, startTestApp } from '../helpers/test-app';

const skip = noChromium('the right-to-left page browser test');
/** Screenshots a person can look at after a run (git ignores the folder). */
const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');
const arabic = new Catalogue('ar', readCatalogues().get('ar') ?? {});

describe('the Arabic link pages in a real browser: right to left, in Arabic', { skip }, () => {
  let t: TestApp;
  let smtp: SmtpListener;
  let browser: Browser;
  before(async () => {
    smtp = await startSmtpListener();
    const port = await freePort();
    t = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: `http://127.0.0.1:${port}` }, { port });
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('renders the lock page of an Arabic account right to left, whatever the browser’s language, and locks in Arabic', async () => {
    const email = uniqueEmail('rtl');
    const address = email.replace(/@.*/, '@example.com');
    let since = smtp.received.length;
    await t.http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD, locale: 'ar' });
    await smtp.nextTo(address, since);
    const user = await login(t, email, STRONG_PASSWORD);
    since = smtp.received.length;
    await t.http.delete('/api/auth/users/me/sessions').set('Authorization', `Bearer ${user.accessToken}`);
    const notice = await smtp.nextTo(address, since);

    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${t.url}/lock-account?token=${tokenIn(notice, 'lock-account')}`);
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
    assert.equal(await page.evaluate('getComputedStyle(document.body).direction'), 'rtl');
    assert.equal(await page.locator('h1').textContent(), arabic.t('page.lock.title'));
    // Right to left, the heading's text hugs the right edge of its box, and leaves the left one empty.
    const extent = await page.evaluate<{ textLeft: number; textRight: number; boxLeft: number; boxRight: number }>(`(() => {
      const heading = document.querySelector('h1'), range = document.createRange();
      range.selectNodeContents(heading);
      const text = range.getBoundingClientRect(), box = heading.getBoundingClientRect();
      return { textLeft: text.left, textRight: text.right, boxLeft: box.left, boxRight: box.right };
    })()`);
    assert.ok(Math.abs(extent.textRight - extent.boxRight) < 2 && extent.textLeft - extent.boxLeft > 20, JSON.stringify(extent));
    await page.screenshot({ path: join(ARTIFACTS, 'ar-lock-account.png'), fullPage: true });

    await page.locator('#go').click();
    await page
      .locator('#outcome')
      .filter({ hasText: arabic.t('page.lock.success') })
      .waitFor({ timeout: 10_000 });
    assert.equal((await t.http.post('/api/auth/login').send({ email, password: STRONG_PASSWORD })).body.code, 'ACCOUNT_LOCKED');
    await context.close();
  });

  it('an unknown token follows the browser’s Arabic, and its error is shown in Arabic (the API’s own message stays English)', async () => {
    const context = await browser.newContext({ locale: 'ar-EG' });
    const page = await context.newPage();
    await page.goto(`${t.url}/unlock-account?token=not-a-token`);
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal(await page.locator('label').textContent(), arabic.t('page.newPassword'));
    await page.locator('#pw').fill(STRONG_PASSWORD);
    await page.locator('#go').click();
    await page
      .locator('#outcome')
      .filter({ hasText: arabic.t('page.error.EMAIL_TOKEN_INVALID') })
      .waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#outcome').getAttribute('data-code'), 'EMAIL_TOKEN_INVALID');
    await page.screenshot({ path: join(ARTIFACTS, 'ar-unlock-account-invalid.png'), fullPage: true });
    await context.close();
  });
});
