import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { OTHER_STRONG_PASSWORD, assertError, login, registerAndLogin, registerUser, stepUp, uniqueEmail } from '../helpers/factories';
import { type SmtpListener, startSmtpListener, tokenIn } from '../helpers/smtp';
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy';
import { type TestApp, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';

describe('SMTP gone, then back, and a mailed link followed the moment it arrives', () => {
  let smtp: SmtpListener;
  let proxy: TcpProxy;
  let t: TestApp;
  before(async () => {
    smtp = await startSmtpListener();
    proxy = await startTcpProxy(Number(new URL(smtp.url).port));
    t = await startTestApp({ SMTP_URL: `smtp://${proxy.address}` });
  });
  afterEach(() => {
    smtp.onArrival = undefined;
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

  /** Follows the first link mailed to `address` with `follow` while its sender still waits for SMTP's answer. */
  const followOnArrival = (address: string, follow: (token: string) => Promise<{ status: number; body: unknown }>) => {
    let answer: Promise<{ status: number; body: unknown }> | undefined;
    smtp.onArrival = async (mail) => {
      if (answer || !mail.to.some((to) => to.toLowerCase() === address.toLowerCase())) return;
      answer = follow(tokenIn(mail));
      await answer;
    };
    return async () => {
      for (let i = 0; i < 250 && !answer; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(answer, `a link mailed to ${address}`);
      return answer;
    };
  };
  const openChangeTokens = async (userId: string) =>
    Number(
      (
        await t.db.query<Array<{ n: number | string }>>(
          `SELECT COUNT(*) AS n FROM email_tokens WHERE user_id = ${t.db.options.type === 'postgres' ? '$1' : '?'} AND purpose = 'change' AND used_at IS NULL`,
          [userId],
        )
      )[0].n,
    );

  it('sets a new password with a reset link followed before its sender heard the mail was accepted', async () => {
    const user = await registerAndLogin(t);
    const followed = followOnArrival(user.email, (token) => t.http.post('/api/auth/password/reset').send({ token, newPassword: OTHER_STRONG_PASSWORD }));
    assert.equal((await t.http.post('/api/auth/password/forgot').send({ email: user.email })).status, 202);
    const reset = await followed();
    assert.equal(reset.status, 204, JSON.stringify(reset.body));
    await login(t, user.email, OTHER_STRONG_PASSWORD);
  });

  it('verifies an address with a link of a resend followed at once', async () => {
    const { email } = await registerUser(t);
    const followed = followOnArrival(email, (token) => t.http.post('/api/auth/email/verify').send({ token }));
    assert.equal((await t.http.post('/api/auth/email/resend').send({ email })).status, 202);
    const verified = await followed();
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
  });

  it('makes an email change followed at once, and shows nothing pending afterwards', async () => {
    const user = await registerAndLogin(t);
    const target = uniqueEmail('fast');
    const followed = followOnArrival(target, (token) => t.http.post('/api/auth/email/verify').send({ token }));
    const change = await t.http
      .put(`${ME}/email`)
      .set('Authorization', `Bearer ${user.accessToken}`)
      .set('X-Step-Up-Token', await stepUp(t, user))
      .send({ email: target });
    assert.equal(change.status, 202, JSON.stringify(change.body));
    const verified = await followed();
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    const me = await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`);
    assert.equal(me.body.email.toLowerCase(), target.toLowerCase());
    assert.equal(me.body.pendingEmail, null, 'the change that was made is not pending as well');
  });

  it('keeps the earlier link of a pending change when a new one cannot be sent; the unsent one never works', async () => {
    const user = await registerAndLogin(t);
    const bearer = `Bearer ${user.accessToken}`;
    const first = uniqueEmail('first');
    const since = smtp.received.length;
    assert.equal(
      (
        await t.http
          .put(`${ME}/email`)
          .set('Authorization', bearer)
          .set('X-Step-Up-Token', await stepUp(t, user))
          .send({ email: first })
      ).status,
      202,
    );
    const firstLink = tokenIn(await smtp.nextTo(first, since));
    await proxy.cut();
    const refused = await t.http
      .put(`${ME}/email`)
      .set('Authorization', bearer)
      .set('X-Step-Up-Token', await stepUp(t, user))
      .send({ email: uniqueEmail('second') });
    await proxy.restore();
    assertError(refused, 503, 'MAIL_UNAVAILABLE');
    assert.equal(await openChangeTokens(user.userId), 1, 'the link that was never sent was withdrawn');
    assert.equal((await t.http.get(ME).set('Authorization', bearer)).body.pendingEmail?.email.toLowerCase(), first.toLowerCase());
    const verified = await t.http.post('/api/auth/email/verify').send({ token: firstLink });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal(verified.body.email.toLowerCase(), first.toLowerCase());
  });
});
