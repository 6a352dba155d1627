import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, noChromium } from '../helpers/browser';
import { assertError, registerAndLogin } from '../helpers/factories';
import { type SmtpListener, startSmtpListener } from '../helpers/smtp';
import { type TestApp, freePort, lockToken, startTestApp } from '../helpers/test-app';

const skip = noChromium('the lock page browser test');

/** The "this wasn't me" link end to end: mailed over real SMTP, opened in a real browser, locked by its button. */
describe('the lock link of a security notice, in a real browser', { skip }, () => {
  let t: TestApp;
  let smtp: SmtpListener;
  let browser: Browser;
  before(async () => {
    smtp = await startSmtpListener();
    const port = await freePort();
    t = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: `http://127.0.0.1:${port}` }, { port });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('shows a button on GET (which locks nothing); pressing it locks the account and mails the unlock link', async () => {
    const user = await registerAndLogin(t);
    const since = smtp.received.length;
    assert.equal((await t.http.delete('/api/auth/users/me/sessions').set('Authorization', `Bearer ${user.accessToken}`)).status, 204);
    const notice = await smtp.nextTo(user.email, since);
    assert.match(notice.subject, /signed out/);
    const url = `${t.url}/lock-account?token=${lockToken(notice)}`;

    const page = await browser.newPage();
    await page.goto(url);
    const button = page.locator('#go');
    assert.equal(await button.textContent(), 'Lock my account');
    // Opening the page (as a mail scanner would) changed nothing.
    assert.equal((await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`)).status, 200);

    const afterOpen = smtp.received.length;
    await button.click();
    await page.locator('#outcome').filter({ hasText: 'Your account is locked' }).waitFor({ timeout: 10_000 });
    assertError(await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }), 403, 'ACCOUNT_LOCKED');
    const unlockMail = await smtp.nextTo(user.email, afterOpen);
    assert.match(unlockMail.subject, /is locked/);
    assert.match(unlockMail.raw, /unlock-account\?token=/);
    await page.close();
  });
});
