import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, noChromium } from '../helpers/browser';
import { login, registerAndLogin, stepUp } from '../helpers/factories';
import { type SmtpListener, startSmtpListener, tokenIn } from '../helpers/smtp';
import { type TestApp, freePort, startTestApp } from '../helpers/test-app';

const skip = noChromium('the cancel-deletion page browser test');
const ME = '/api/auth/users/me';

/** The grace path end to end: the deletion scheduled, its mail over real SMTP, the cancel page in a real browser. */
describe('the cancel link of a scheduled deletion, in a real browser', { skip }, () => {
  let t: TestApp;
  let smtp: SmtpListener;
  let browser: Browser;
  before(async () => {
    smtp = await startSmtpListener();
    const port = await freePort();
    t = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: `http://127.0.0.1:${port}`, ACCOUNT_DELETION_GRACE: '14d' }, { port });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('shows a button on GET (which cancels nothing); pressing it keeps the account', async () => {
    const user = await registerAndLogin(t);
    const since = smtp.received.length;
    const scheduled = await t.http.delete(ME).set({ Authorization: `Bearer ${user.accessToken}`, 'X-Step-Up-Token': await stepUp(t, user) });
    assert.equal(scheduled.status, 202);
    const mail = await smtp.nextTo(user.email.replace(/@.*/, '@example.com'), since);

    const page = await browser.newPage();
    await page.goto(`${t.url}/cancel-deletion?token=${tokenIn(mail, 'cancel-deletion')}`);
    const button = page.locator('#go');
    assert.equal(await button.textContent(), 'Cancel the deletion');
    const back = await login(t, user.email, user.password);
    assert.deepEqual(
      (await t.http.get(ME).set('Authorization', `Bearer ${back.accessToken}`)).body.deletionScheduled,
      { deleteAt: scheduled.body.deleteAt },
      'opening the page changed nothing',
    );

    await button.click();
    await page.locator('#outcome').filter({ hasText: 'The deletion is cancelled' }).waitFor({ timeout: 10_000 });
    assert.equal((await t.http.get(ME).set('Authorization', `Bearer ${back.accessToken}`)).body.deletionScheduled, null);
    await page.close();
  });
});
