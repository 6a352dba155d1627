import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OTHER_STRONG_PASSWORD, assertError, login, registerAndLogin, stepUp, uniqueEmail } from '../helpers/factories';
import { type SmtpListener, startSmtpListener, tokenIn } from '../helpers/smtp';
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy';
import { type TestApp, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';

describe('SMTP gone, then back', () => {
  let smtp: SmtpListener;
  let proxy: TcpProxy;
  let t: TestApp;
  before(async () => {
    smtp = await startSmtpListener();
    proxy = await startTcpProxy(Number(new URL(smtp.url).port));
    t = await startTestApp({ SMTP_URL: `smtp://${proxy.address}` });
  });
  after(async () => {
    await t.close();
    await proxy.close();
    await smtp.close();
  });

  it('loses no reset link while SMTP is down: forgot answers 202 and the mail job sends it once SMTP is back', async () => {
    const user = await registerAndLogin(t);
    await proxy.cut();
    const since = smtp.received.length;
    assert.equal((await t.http.post('/api/auth/password/forgot').send({ email: user.email })).status, 202);
    const failedAttempts = async () =>
      Number((await t.db.query<Array<{ n: number | string }>>('SELECT COUNT(*) AS n FROM mail_jobs WHERE done_at IS NULL AND attempts > 0'))[0].n);
    for (let i = 0; i < 250 && (await failedAttempts()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await failedAttempts(), 1, 'the first attempt failed and the job waits for its retry');
    await proxy.restore();
    // The first retry is due 5 s after the failure.
    let mail;
    for (let i = 0; i < 100 && !mail; i++) {
      mail = smtp.received.slice(since).find((m) => m.to.some((to) => to.toLowerCase() === user.email.toLowerCase()) && /Reset your/.test(m.subject));
      if (!mail) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(mail, 'the reset link arrived after the outage');
    const reset = await t.http.post('/api/auth/password/reset').send({ token: tokenIn(mail), newPassword: OTHER_STRONG_PASSWORD });
    assert.equal(reset.status, 204, JSON.stringify(reset.body));
  });

  it('answers MAIL_UNAVAILABLE for an email change and changes nothing; notices never fail the operation', async () => {
    const user = await registerAndLogin(t);
    const bearer = `Bearer ${user.accessToken}`;
    await proxy.cut();
    const started = Date.now();
    const change = await t.http
      .put(`${ME}/email`)
      .set('Authorization', bearer)
      .set('X-Step-Up-Token', await stepUp(t, user))
      .send({ email: uniqueEmail('new') });
    assertError(change, 503, 'MAIL_UNAVAILABLE');
    assert.ok(Date.now() - started < 5000);
    assert.equal((await t.http.get(ME).set('Authorization', bearer)).body.pendingEmail, null);

    // The "password changed" notice cannot go out: the change itself still happens.
    const password = await t.http
      .put(`${ME}/password`)
      .set('Authorization', bearer)
      .set('X-Step-Up-Token', await stepUp(t, user))
      .send({ newPassword: OTHER_STRONG_PASSWORD });
    assert.equal(password.status, 204);
    const again = await login(t, user.email, OTHER_STRONG_PASSWORD);

    await proxy.restore();
    const since = smtp.received.length;
    const target = uniqueEmail('back');
    const retry = await t.http
      .put(`${ME}/email`)
      .set('Authorization', `Bearer ${again.accessToken}`)
      .set('X-Step-Up-Token', await stepUp(t, again))
      .send({ email: target });
    assert.equal(retry.status, 202, JSON.stringify(retry.body));
    await smtp.nextTo(target, since);

    // The goodbye notice cannot go out: the account is deleted all the same.
    await proxy.cut();
    const deleted = await t.http
      .delete(ME)
      .set('Authorization', `Bearer ${again.accessToken}`)
      .set('X-Step-Up-Token', await stepUp(t, again));
    assert.equal(deleted.status, 204);
    await proxy.restore();
  });
});
