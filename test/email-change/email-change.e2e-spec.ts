import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SignedIn, STRONG_PASSWORD, assertError, login, registerAndLogin, stepUp, uniqueEmail } from '../helpers/factories';
import { type SmtpListener, startSmtpListener, tokenIn } from '../helpers/smtp';
import { type TestApp, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';

describe('email flows over a real SMTP server', () => {
  let t: TestApp;
  let smtp: SmtpListener;
  before(async () => {
    smtp = await startSmtpListener();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_ENABLED: 'true', PUBLIC_URL: 'https://id.example.test' });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  async function requestChange(user: SignedIn, email: string) {
    const stepUpToken = await stepUp(t, user);
    return t.http.put(`${ME}/email`).set('Authorization', `Bearer ${user.accessToken}`).set('X-Step-Up-Token', stepUpToken).send({ email });
  }
  const me = (user: SignedIn) => t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`);

  it('mails the registration link, which verifies the address through the API', async () => {
    const email = uniqueEmail('reg');
    const since = smtp.received.length;
    await t.http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD });
    const mail = await smtp.nextTo(email, since);
    assert.match(mail.raw, /https:\/\/id\.example\.test\/verify-email\?token=/);
    assert.match(mail.raw, /Content-Type: text\/plain/);
    assert.match(mail.raw, /Content-Type: text\/html/);
    const verified = await t.http.post('/api/auth/email/verify').send({ token: tokenIn(mail) });
    assert.equal(verified.status, 200);
    assert.equal(verified.body.emailVerified, true);
  });

  it('changes the address only when the link sent to the new address is followed; the old one can revert', async () => {
    const user = await registerAndLogin(t);
    const other = await login(t, user.email, user.password);
    const newEmail = uniqueEmail('new');
    const since = smtp.received.length;
    const requested = await requestChange(user, newEmail);
    assert.equal(requested.status, 202, JSON.stringify(requested.body));
    assert.equal(requested.body.verificationRequired, true);
    assert.equal(requested.body.pendingEmail.email, newEmail.replace(/@.*/, '@example.com'));
    const pending = (await me(user)).body;
    assert.equal(pending.email, user.email.replace(/@.*/, '@example.com'), 'unchanged until verified');
    assert.equal(pending.pendingEmail.email, requested.body.pendingEmail.email);

    const link = await smtp.nextTo(newEmail, since);
    const applied = await t.http.post('/api/auth/email/verify').send({ token: tokenIn(link) });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.equal(applied.body.email, requested.body.pendingEmail.email);
    assert.equal(applied.body.emailVerified, true);
    assert.equal(applied.body.pendingEmail, null);
    assert.equal((await t.http.post('/api/auth/login').send({ email: newEmail, password: user.password })).status, 200);

    const notice = await smtp.nextTo(user.email.replace(/@.*/, '@example.com'), since);
    assert.match(notice.subject, /address was changed/);
    const reverted = await t.http.post('/api/auth/email/revert').send({ token: tokenIn(notice) });
    assert.equal(reverted.status, 200, JSON.stringify(reverted.body));
    assert.equal(reverted.body.email.toLowerCase(), user.email.toLowerCase());
    assert.equal(reverted.body.emailVerified, true);
    for (const session of [user, other]) assertError(await me(session), 401, 'SESSION_REVOKED');
    assert.ok(await smtp.nextTo(user.email.replace(/@.*/, '@example.com'), smtp.received.length - 1));
    assertError(await t.http.post('/api/auth/email/revert').send({ token: tokenIn(notice) }), 400, 'EMAIL_TOKEN_INVALID');
  });

  it('answers a taken address exactly like a free one, and tells its owner instead of sending a link', async () => {
    const owner = await registerAndLogin(t);
    const user = await registerAndLogin(t);
    const since = smtp.received.length;
    const taken = await requestChange(user, owner.email);
    const free = await requestChange(user, uniqueEmail('free'));
    assert.equal(taken.status, 202);
    assert.deepEqual(Object.keys(taken.body).sort(), Object.keys(free.body).sort());
    const notice = await smtp.nextTo(owner.email, since);
    assert.match(notice.subject, /tried to use your/);
    assert.doesNotMatch(notice.raw, /token=/);
  });

  it('supersedes an earlier request, cancels, and refuses used, foreign and wrong-purpose tokens', async () => {
    const user = await registerAndLogin(t);
    const first = uniqueEmail('first');
    const second = uniqueEmail('second');
    const since = smtp.received.length;
    await requestChange(user, first);
    await requestChange(user, second);
    const firstToken = tokenIn(await smtp.nextTo(first, since));
    const secondToken = tokenIn(await smtp.nextTo(second, since));
    assertError(await t.http.post('/api/auth/email/verify').send({ token: firstToken }), 400, 'EMAIL_TOKEN_INVALID');
    assertError(await t.http.post('/api/auth/email/revert').send({ token: secondToken }), 400, 'EMAIL_TOKEN_INVALID');

    assert.equal((await t.http.delete(`${ME}/email/pending`).set('Authorization', `Bearer ${user.accessToken}`)).status, 204);
    assert.equal((await me(user)).body.pendingEmail, null);
    assertError(await t.http.post('/api/auth/email/verify').send({ token: secondToken }), 400, 'EMAIL_TOKEN_INVALID');
    assert.equal((await t.http.delete(`${ME}/email/pending`).set('Authorization', `Bearer ${user.accessToken}`)).status, 204, 'also when nothing is pending');
  });

  it('refuses the current address with EMAIL_UNCHANGED and a malformed one with VALIDATION_FAILED', async () => {
    const user = await registerAndLogin(t);
    assertError(await requestChange(user, user.email.toUpperCase()), 422, 'EMAIL_UNCHANGED');
    assertError(await requestChange(user, 'nope'), 400, 'VALIDATION_FAILED');
  });

  it('lets exactly one of two accounts racing for one address win', async () => {
    const [a, b] = await Promise.all([registerAndLogin(t), registerAndLogin(t)]);
    const contested = uniqueEmail('contested');
    const since = smtp.received.length;
    await requestChange(a, contested);
    const tokenA = tokenIn(await smtp.nextTo(contested, since));
    const sinceB = smtp.received.length;
    await requestChange(b, contested);
    const tokenB = tokenIn(await smtp.nextTo(contested, sinceB));
    const results = await Promise.all([tokenA, tokenB].map((token) => t.http.post('/api/auth/email/verify').send({ token })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    assert.equal(results.find((r) => r.status === 409)?.body.code, 'EMAIL_TAKEN');
  });

  it('reverting fails with EMAIL_TAKEN only when a verified account took the old address meanwhile', async () => {
    const user = await registerAndLogin(t);
    const oldAddress = user.email.replace(/@.*/, '@example.com');
    const since = smtp.received.length;
    const newEmail = uniqueEmail('moved');
    await requestChange(user, newEmail);
    await t.http.post('/api/auth/email/verify').send({ token: tokenIn(await smtp.nextTo(newEmail, since)) });
    const notice = await smtp.nextTo(oldAddress, since);
    const registered = smtp.received.length;
    await t.http.post('/api/auth/register').send({ email: oldAddress, password: STRONG_PASSWORD });
    await t.http.post('/api/auth/email/verify').send({ token: tokenIn(await smtp.nextTo(oldAddress, registered)) });
    assertError(await t.http.post('/api/auth/email/revert').send({ token: tokenIn(notice) }), 409, 'EMAIL_TAKEN');
  });

  it('answers 503 MAIL_UNAVAILABLE and stores nothing when the SMTP server refuses', async () => {
    const user = await registerAndLogin(t);
    const kept = uniqueEmail('kept');
    await requestChange(user, kept);
    smtp.refuse = true;
    try {
      assertError(await requestChange(user, uniqueEmail('lost')), 503, 'MAIL_UNAVAILABLE');
    } finally {
      smtp.refuse = false;
    }
    assert.equal((await me(user)).body.pendingEmail.email, kept.replace(/@.*/, '@example.com'), 'the earlier pending change is intact');
  });

  it('limits accepted change requests per account', async () => {
    const user = await registerAndLogin(t);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await requestChange(user, uniqueEmail(`n${i}`))).status);
    assert.deepEqual(statuses, [202, 202, 202, 202, 202, 429]);
  });
});

describe('email change with mail disabled', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ MAIL_ENABLED: 'false', SMTP_URL: 'smtp://127.0.0.1:1' });
  });
  after(() => t.close());

  it('applies at once with 200, and answers 409 EMAIL_TAKEN for a taken address', async () => {
    const owner = await registerAndLogin(t);
    const user = await registerAndLogin(t);
    const stepUpToken = await stepUp(t, user);
    const change = (email: string) =>
      t.http.put(`${ME}/email`).set('Authorization', `Bearer ${user.accessToken}`).set('X-Step-Up-Token', stepUpToken).send({ email });
    assertError(await change(owner.email), 409, 'EMAIL_TAKEN');
    const newEmail = uniqueEmail('instant');
    const response = await change(newEmail);
    assert.equal(response.status, 200);
    assert.equal(response.body.verificationRequired, false);
    assert.equal(response.body.user.email, newEmail.replace(/@.*/, '@example.com'));
  });
});

describe('email change with the SMTP server down', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ MAIL_ENABLED: 'true', SMTP_URL: 'smtp://127.0.0.1:1' });
  });
  after(() => t.close());

  it('still registers (the mail failure is logged) and answers 503 for an email change', async () => {
    const user = await registerAndLogin(t);
    const stepUpToken = await stepUp(t, user);
    const response = await t.http
      .put(`${ME}/email`)
      .set('Authorization', `Bearer ${user.accessToken}`)
      .set('X-Step-Up-Token', stepUpToken)
      .send({ email: uniqueEmail() });
    assertError(response, 503, 'MAIL_UNAVAILABLE');
    assert.equal((await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`)).body.pendingEmail, null);
  });
});
