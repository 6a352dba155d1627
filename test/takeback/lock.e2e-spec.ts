import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Secret, TOTP } from 'otpauth';
import {
  OTHER_STRONG_PASSWORD,
  STRONG_PASSWORD,
  type SignedIn,
  assertError,
  cookieNamed,
  login,
  registerAndLogin,
  setCookies,
  stepUp,
  uniqueEmail,
} from '../helpers/factories';
import { TestOidcProvider } from '../helpers/oidc-provider';
import { SoftAuthenticator } from '../helpers/soft-authenticator';
import { type TestApp, freePort, linkToken, lockToken, readOutbox, startTestApp, waitForOutboxMail } from '../helpers/test-app';

const ME = '/api/auth/users/me';
const AFTER = 'https://app.example/after';

describe('"this wasn’t me": the lock link of every security notice, the lock and the unlock', () => {
  let t: TestApp;
  let acme: TestOidcProvider;
  let publicUrl: string;
  const events: Array<{ name: string; userId: string }> = [];

  before(async () => {
    acme = await new TestOidcProvider('lockAcme').start();
    const port = await freePort();
    publicUrl = `http://localhost:${port}`;
    t = await startTestApp(
      {
        PUBLIC_URL: publicUrl,
        OIDC_PROVIDERS: JSON.stringify([{ id: 'acme', issuer: acme.issuer, clientId: acme.clientId, clientSecret: 'acme-secret' }]),
        OIDC_REDIRECT_ALLOWLIST: AFTER,
        AUTH_RATE_LIMIT_IP: '100000/15m',
      },
      { port },
    );
    const emitter = t.app.get(EventEmitter2);
    for (const name of ['user.locked', 'user.unlocked']) emitter.on(name, (payload: { userId: string }) => events.push({ name, userId: payload.userId }));
  });
  after(async () => {
    await t?.close();
    await acme?.stop();
  });

  const bearer = (user: { accessToken: string }) => ({ Authorization: `Bearer ${user.accessToken}` });
  const lastMail = (address: string, subject: RegExp) => {
    const mail = readOutbox(t.dataDir)
      .filter((m) => m.to.toLowerCase() === address.toLowerCase() && subject.test(m.subject))
      .pop();
    assert.ok(mail, `a mail to ${address} matching ${subject}`);
    return mail;
  };
  const securityEventTypes = async (userId: string) =>
    (await t.db.query<Array<{ type: string }>>(`SELECT type FROM security_events WHERE user_id = '${userId}' ORDER BY created_at`)).map((row) => row.type);

  async function withTotp(user: SignedIn): Promise<string> {
    const started = await t.http.post(`${ME}/factors/totp`).set({ ...bearer(user), 'X-Step-Up-Token': await stepUp(t, user) });
    const code = new TOTP({ secret: Secret.fromBase32(started.body.secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
    assert.equal((await t.http.post(`${ME}/factors/totp/confirm`).set(bearer(user)).send({ code })).status, 200);
    return started.body.secret;
  }

  it('puts a lock link in every security notice', async () => {
    const user = await registerAndLogin(t);
    // password changed, factor added, recovery codes renewed, sessions revoked, data exported
    assert.equal(
      (
        await t.http
          .put(`${ME}/password`)
          .set({ ...bearer(user), 'X-Step-Up-Token': await stepUp(t, user) })
          .send({ newPassword: OTHER_STRONG_PASSWORD })
      ).status,
      204,
    );
    const signedIn = { ...user, password: OTHER_STRONG_PASSWORD };
    const secret = await withTotp(signedIn);
    const code = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + 30_000 });
    const stepped = await t.http.post('/api/auth/step-up').set(bearer(user)).send({ code });
    assert.equal((await t.http.post(`${ME}/factors/recovery-codes`).set({ ...bearer(user), 'X-Step-Up-Token': stepped.body.stepUpToken })).status, 200);
    assert.equal((await t.http.delete(`${ME}/sessions`).set(bearer(user))).status, 204);
    assert.equal((await t.http.get(`${ME}/export`).set({ ...bearer(user), 'X-Step-Up-Token': stepped.body.stepUpToken })).status, 200);
    const subjects = [/password was changed/, /Two-step sign-in was turned on/, /New recovery codes/, /Every other device/, /data was exported/];
    for (const subject of subjects) {
      const mail = subject.source.includes('exported')
        ? await waitForOutboxMail(t.dataDir, (m) => m.to.toLowerCase() === user.email.toLowerCase() && subject.test(m.subject))
        : lastMail(user.email, subject);
      assert.match(lockToken(mail), /^[A-Za-z0-9_-]{43}$/, `a lock link in "${mail.subject}"`);
      assert.match(mail.raw.replace(/=\r?\n/g, ''), /This wasn.{1,12}t me/);
    }
  });

  it('opens a page on GET that changes nothing; its button POSTs; then every way of signing in answers 403 ACCOUNT_LOCKED', async () => {
    const user = await registerAndLogin(t);
    const secret = await withTotp(user);
    const inFlight = await t.http.post('/api/auth/login').send({ email: user.email, password: user.password });
    assert.equal(inFlight.body.mfaRequired, true);
    const token = lockToken(lastMail(user.email, /Two-step sign-in was turned on/));

    const page = await t.http.get(`/lock-account?token=${token}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /data-endpoint="\/api\/auth\/lock"/);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal((await t.http.get(ME).set(bearer(user))).status, 200, 'a GET alone locks nothing');

    assert.equal((await t.http.post('/api/auth/lock').send({ token })).status, 204);
    assertError(await t.http.post('/api/auth/lock').send({ token }), 400, 'EMAIL_TOKEN_INVALID');
    assertError(await t.http.get(ME).set(bearer(user)), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }), 403, 'ACCOUNT_LOCKED');
    assertError(await t.http.post('/api/auth/login').send({ email: user.email, password: 'Wr0ng-password-x' }), 401, 'INVALID_CREDENTIALS');
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken }), 403, 'ACCOUNT_LOCKED');
    const code = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + 30_000 });
    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: inFlight.body.mfaToken, code }), 403, 'ACCOUNT_LOCKED');
    assert.deepEqual(
      events.filter((e) => e.userId === user.userId).map((e) => e.name),
      ['user.locked'],
    );
    assert.ok((await securityEventTypes(user.userId)).includes('account_locked'));
    assert.match(lastMail(user.email, /is locked/).raw, /unlock-account\?token=/);
  });

  it('refuses a passkey sign-in and a provider sign-in of a locked account', async () => {
    const user = await registerAndLogin(t);
    const headers = { ...bearer(user), 'X-Step-Up-Token': await stepUp(t, user) };
    const options = await t.http.post(`${ME}/factors/passkeys/options`).set(headers);
    const authenticator = new SoftAuthenticator(publicUrl);
    const added = await t.http
      .post(`${ME}/factors/passkeys`)
      .set(headers)
      .send({ credential: authenticator.register(options.body) });
    assert.equal(added.status, 201);
    const who = { sub: `sub-${randomUUID()}`, email: uniqueEmail('idp').toLowerCase(), email_verified: true };
    const stepped = await t.http.post('/api/auth/step-up').set(bearer(user)).send({ code: added.body.recoveryCodes[0] });
    const linkStart = await t.http
      .post(`${ME}/providers/acme`)
      .set({ ...bearer(user), 'X-Step-Up-Token': stepped.body.stepUpToken })
      .send({});
    acme.signInAs(who);
    const linked = await acme.authorize(linkStart.body.authorizationUrl);
    await t.http.get(linked.pathname + linked.search).set('Cookie', (cookieNamed(setCookies(linkStart.headers), 'oidc_flow') ?? '').split(';')[0]);

    assert.equal((await t.http.post(`${ME}/lock`).set(bearer(user))).status, 204);
    const passwordless = await t.http.post('/api/auth/passkeys/options');
    assertError(await t.http.post('/api/auth/passkeys/login').send({ credential: authenticator.authenticate(passwordless.body) }), 403, 'ACCOUNT_LOCKED');
    const start = await t.http.get('/api/auth/oidc/acme/login').query({ redirect: AFTER });
    acme.signInAs(who);
    const callback = await acme.authorize(start.headers.location);
    const done = await t.http.get(callback.pathname + callback.search).set('Cookie', (cookieNamed(setCookies(start.headers), 'oidc_flow') ?? '').split(';')[0]);
    assert.equal(new URL(done.headers.location).searchParams.get('error'), 'account_locked');
    assert.equal(cookieNamed(setCookies(done.headers), 'access_token'), undefined);
  });

  it('locks from a signed-in session without a step-up, and unlocks with a new password from the mailed link', async () => {
    const user = await registerAndLogin(t);
    const before = lockToken(await noticeOf(user));
    assert.equal((await t.http.post(`${ME}/lock`).set(bearer(user))).status, 204);
    assertError(await t.http.get(ME).set(bearer(user)), 401, 'SESSION_REVOKED');
    const unlock = linkToken(lastMail(user.email, /is locked/), 'unlock-account');
    const page = await t.http.get(`/unlock-account?token=${unlock}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /type="password"/);
    assertError(await t.http.post('/api/auth/unlock').send({ token: unlock, newPassword: 'weak' }), 422, 'PASSWORD_POLICY_VIOLATION');
    assert.equal((await t.http.post('/api/auth/unlock').send({ token: unlock, newPassword: OTHER_STRONG_PASSWORD })).status, 204);
    assertError(await t.http.post('/api/auth/unlock').send({ token: unlock, newPassword: OTHER_STRONG_PASSWORD }), 400, 'EMAIL_TOKEN_INVALID');
    assertError(await t.http.post('/api/auth/login').send({ email: user.email, password: STRONG_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    const back = await login(t, user.email, OTHER_STRONG_PASSWORD);
    assert.equal((await t.http.get(ME).set(bearer(back))).status, 200);
    // A lock link from before the lock was spent by it: it cannot lock the account again.
    assertError(await t.http.post('/api/auth/lock').send({ token: before }), 400, 'EMAIL_TOKEN_INVALID');
    const types = await securityEventTypes(user.userId);
    assert.ok(types.indexOf('account_locked') < types.indexOf('account_unlocked'));
    assert.deepEqual(
      events.filter((e) => e.userId === user.userId).map((e) => e.name),
      ['user.locked', 'user.unlocked'],
    );
  });

  it('a password reset of a locked account unlocks it, as the unlock link would', async () => {
    const user = await registerAndLogin(t);
    assert.equal((await t.http.post(`${ME}/lock`).set(bearer(user))).status, 204);
    const sent = new Set(readOutbox(t.dataDir).map((m) => m.file));
    assert.equal((await t.http.post('/api/auth/password/forgot').send({ email: user.email })).status, 202);
    const mail = await waitForOutboxMail(
      t.dataDir,
      (m) => !sent.has(m.file) && /Reset your/.test(m.subject) && m.to.toLowerCase() === user.email.toLowerCase(),
    );
    assert.equal((await t.http.post('/api/auth/password/reset').send({ token: linkToken(mail), newPassword: OTHER_STRONG_PASSWORD })).status, 204);
    await login(t, user.email, OTHER_STRONG_PASSWORD);
    // The unlock link of the lock is now spent: the lock it ended is over.
    assertError(
      await t.http.post('/api/auth/unlock').send({ token: linkToken(lastMail(user.email, /is locked/), 'unlock-account'), newPassword: STRONG_PASSWORD }),
      400,
      'EMAIL_TOKEN_INVALID',
    );
  });

  it('a lock pulled from the old address after a change: the undo brings the address back, the unlock link sent to the new one no longer works, a reset from the old one unlocks', async () => {
    const owner = await registerAndLogin(t);
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: linkToken(lastMail(owner.email, /Verify your/)) })).status, 200);
    const intruderAddress = uniqueEmail('intruder');
    assert.equal(
      (
        await t.http
          .put(`${ME}/email`)
          .set({ ...bearer(owner), 'X-Step-Up-Token': await stepUp(t, owner) })
          .send({ email: intruderAddress })
      ).status,
      202,
    );
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: linkToken(lastMail(intruderAddress, /Confirm your new/)) })).status, 200);
    const notice = lastMail(owner.email, /address was changed/);
    assert.equal((await t.http.post('/api/auth/lock').send({ token: lockToken(notice) })).status, 204);
    const unlockAtIntruder = linkToken(lastMail(intruderAddress, /is locked/), 'unlock-account');
    assert.equal((await t.http.post('/api/auth/email/revert').send({ token: linkToken(notice, 'revert-email') })).status, 200);
    assertError(await t.http.post('/api/auth/unlock').send({ token: unlockAtIntruder, newPassword: OTHER_STRONG_PASSWORD }), 400, 'EMAIL_TOKEN_INVALID');
    assertError(await t.http.post('/api/auth/login').send({ email: owner.email, password: owner.password }), 401, 'INVALID_CREDENTIALS');
    const reset = linkToken(lastMail(owner.email, /address was restored/), 'reset-password');
    assert.equal((await t.http.post('/api/auth/password/reset').send({ token: reset, newPassword: OTHER_STRONG_PASSWORD })).status, 204);
    await login(t, owner.email, OTHER_STRONG_PASSWORD);
  });

  /** A security notice of the user's, with its lock link (ending the other sessions sends one). */
  async function noticeOf(user: SignedIn) {
    assert.equal((await t.http.delete(`${ME}/sessions`).set(bearer(user))).status, 204);
    return lastMail(user.email, /Every other device/);
  }
});
