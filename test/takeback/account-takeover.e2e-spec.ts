import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import {
  OTHER_STRONG_PASSWORD,
  STRONG_PASSWORD,
  type SignedIn,
  assertError,
  login,
  registerAndLogin,
  registerUser,
  stepUp,
  uniqueEmail,
} from '../helpers/factories';
import { SoftAuthenticator } from '../helpers/soft-authenticator';
import { type TestApp, linkToken, readOutbox, startTestApp, waitForOutboxMail } from '../helpers/test-app';

const ME = '/api/auth/users/me';
const THIRD_PASSWORD = 'Gz5%tRq8!mWx silver fjord';

describe('account takeover: recovery and undo', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_IP: '100000/15m' });
  });
  after(() => t.close());

  /** The token of the newest mail to `address` whose subject matches. */
  const mailedToken = (address: string, subject: RegExp): string => {
    const mail = readOutbox(t.dataDir)
      .filter((m) => m.to.toLowerCase() === address.toLowerCase() && subject.test(m.subject))
      .pop();
    assert.ok(mail, `a mail to ${address} matching ${subject}`);
    return linkToken(mail);
  };
  /** Forgot, then the reset link once the mail job sent it. */
  const forgot = async (address: string): Promise<string> => {
    const before = new Set(readOutbox(t.dataDir).map((m) => m.file));
    assert.equal((await t.http.post('/api/auth/password/forgot').send({ email: address })).status, 202);
    await waitForOutboxMail(t.dataDir, (m) => !before.has(m.file) && m.to.toLowerCase() === address.toLowerCase() && /Reset your/.test(m.subject));
    return mailedToken(address, /Reset your/);
  };
  const bearer = (user: SignedIn) => `Bearer ${user.accessToken}`;
  const changeEmail = async (user: SignedIn, email: string) =>
    t.http
      .put(`${ME}/email`)
      .set('Authorization', bearer(user))
      .set('X-Step-Up-Token', await stepUp(t, user))
      .send({ email });
  const verifyLatest = async (address: string) => t.http.post('/api/auth/email/verify').send({ token: mailedToken(address, /Confirm your new/) });

  it('recovers a forgotten password: 202 for any address, a single-use link, every session ended, pending change cancelled', async () => {
    const user = await registerAndLogin(t);
    const pending = uniqueEmail('pending');
    assert.equal((await changeEmail(user, pending)).status, 202);
    const unknown = await t.http.post('/api/auth/password/forgot').send({ email: uniqueEmail('nobody') });
    assert.equal(unknown.status, 202);
    assert.deepEqual(unknown.body, { success: true });
    const token = await forgot(user.email);

    const page = await t.http.get(`/reset-password?token=${token}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /type="password"/);
    assertError(await t.http.post('/api/auth/password/reset').send({ token, newPassword: 'weak' }), 422, 'PASSWORD_POLICY_VIOLATION');
    // Neither the page nor a refused password used the link up.
    assert.equal((await t.http.post('/api/auth/password/reset').send({ token, newPassword: OTHER_STRONG_PASSWORD })).status, 204);
    assertError(await t.http.post('/api/auth/password/reset').send({ token, newPassword: THIRD_PASSWORD }), 400, 'EMAIL_TOKEN_INVALID');

    assertError(await t.http.get(ME).set('Authorization', bearer(user)), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/login').send({ email: user.email, password: STRONG_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    const again = await login(t, user.email, OTHER_STRONG_PASSWORD);
    const me = await t.http.get(ME).set('Authorization', bearer(again));
    assert.equal(me.body.emailVerified, true, 'the reset proved the mailbox');
    assert.equal(me.body.pendingEmail, null);
    assertError(await verifyLatest(pending), 400, 'EMAIL_TOKEN_INVALID');
    assert.ok(readOutbox(t.dataDir).some((m) => m.to.toLowerCase() === user.email.toLowerCase() && /password was reset/.test(m.subject)));
  });

  it('limits reset requests per address, whether or not it has an account', async () => {
    const { email } = await registerUser(t);
    assert.equal((await t.http.post('/api/auth/password/forgot').send({ email })).status, 202);
    assertError(await t.http.post('/api/auth/password/forgot').send({ email }), 429, 'TOO_MANY_REQUESTS');
    const nobody = uniqueEmail('nobody');
    assert.equal((await t.http.post('/api/auth/password/forgot').send({ email: nobody })).status, 202);
    assertError(await t.http.post('/api/auth/password/forgot').send({ email: nobody }), 429, 'TOO_MANY_REQUESTS');
  });

  it('lets the owner of an address claim it from an unverified squatter with a password reset', async () => {
    const address = uniqueEmail('victim');
    const squatter = await registerAndLogin(t, { email: address });
    assert.equal((await t.http.post('/api/auth/password/reset').send({ token: await forgot(address), newPassword: OTHER_STRONG_PASSWORD })).status, 204);
    assertError(await t.http.get(ME).set('Authorization', bearer(squatter)), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/login').send({ email: address, password: STRONG_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    const owner = await login(t, address, OTHER_STRONG_PASSWORD);
    assert.equal((await t.http.get(ME).set('Authorization', bearer(owner))).body.emailVerified, true);
  });

  it('keeps the first undo link working after a second change, and the undo takes everything back', async () => {
    const owner = await registerAndLogin(t);
    const original = owner.email;
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: mailedToken(original, /./) })).status, 200);
    // The attacker, with the owner's session and password, moves the account A -> B -> C.
    const b = uniqueEmail('b');
    const c = uniqueEmail('c');
    assert.equal((await changeEmail(owner, b)).status, 202);
    assert.equal((await verifyLatest(b)).status, 200);
    const undoA = mailedToken(original, /address was changed/);
    assert.equal((await changeEmail(owner, c)).status, 202);
    assert.equal((await verifyLatest(c)).status, 200);
    const undoB = mailedToken(b, /address was changed/);
    const laterPending = uniqueEmail('d');
    assert.equal((await changeEmail(owner, laterPending)).status, 202);

    const reverted = await t.http.post('/api/auth/email/revert').send({ token: undoA });
    assert.equal(reverted.status, 200, JSON.stringify(reverted.body));
    assert.equal(reverted.body.email.toLowerCase(), original.toLowerCase());
    assert.equal(reverted.body.emailVerified, true);
    assert.equal(reverted.body.pendingEmail, null);
    assert.deepEqual(reverted.body.identityProviders, [], 'the password no longer works');
    assertError(await t.http.get(ME).set('Authorization', bearer(owner)), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/login').send({ email: original, password: owner.password }), 401, 'INVALID_CREDENTIALS');
    assertError(await t.http.post('/api/auth/email/revert').send({ token: undoB }), 400, 'EMAIL_TOKEN_INVALID');
    assertError(await verifyLatest(laterPending), 400, 'EMAIL_TOKEN_INVALID');

    // The confirmation carries a reset link: the owner is back in with a new password.
    const reset = mailedToken(original, /address was restored/);
    assert.equal((await t.http.post('/api/auth/password/reset').send({ token: reset, newPassword: OTHER_STRONG_PASSWORD })).status, 204);
    await login(t, original, OTHER_STRONG_PASSWORD);
  });

  it('removes on an undo the second factor the attacker added after the change, and keeps one the owner had before', async () => {
    const enrolTotp = async (user: SignedIn) => {
      const started = await t.http
        .post(`${ME}/factors/totp`)
        .set('Authorization', bearer(user))
        .set('X-Step-Up-Token', await stepUp(t, user));
      const code = new TOTP({ secret: Secret.fromBase32(started.body.secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
      assert.equal((await t.http.post(`${ME}/factors/totp/confirm`).set('Authorization', bearer(user)).send({ code })).status, 200);
      return started.body.secret as string;
    };
    const owner = await registerAndLogin(t);
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: mailedToken(owner.email, /./) })).status, 200);
    const taken = uniqueEmail('taken');
    assert.equal((await changeEmail(owner, taken)).status, 202);
    assert.equal((await verifyLatest(taken)).status, 200);
    // With the owner's session, the attacker locks the account behind a factor of their own.
    await enrolTotp(owner);
    assert.equal((await t.http.post('/api/auth/login').send({ email: taken, password: owner.password })).body.mfaRequired, true);
    assert.equal((await t.http.post('/api/auth/email/revert').send({ token: mailedToken(owner.email, /address was changed/) })).status, 200);
    const reset = mailedToken(owner.email, /address was restored/);
    assert.equal((await t.http.post('/api/auth/password/reset').send({ token: reset, newPassword: OTHER_STRONG_PASSWORD })).status, 204);
    const back = await t.http.post('/api/auth/login').send({ email: owner.email, password: OTHER_STRONG_PASSWORD });
    assert.ok(back.body.accessToken, 'the attacker’s factor is gone: the password signs in');

    // A factor from before the change stays: it was the owner's.
    const careful = await registerAndLogin(t);
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: mailedToken(careful.email, /./) })).status, 200);
    const secret = await enrolTotp(careful);
    const nextCode = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + 30_000 });
    const stepped = await t.http.post('/api/auth/step-up').set('Authorization', bearer(careful)).send({ code: nextCode });
    assert.equal(stepped.status, 200, JSON.stringify(stepped.body));
    const moved = uniqueEmail('moved');
    assert.equal(
      (await t.http.put(`${ME}/email`).set('Authorization', bearer(careful)).set('X-Step-Up-Token', stepped.body.stepUpToken).send({ email: moved })).status,
      202,
    );
    assert.equal((await verifyLatest(moved)).status, 200);
    assert.equal((await t.http.post('/api/auth/email/revert').send({ token: mailedToken(careful.email, /address was changed/) })).status, 200);
    // The change was confirmed with the second factor: its undo keeps the factor and the password.
    assertError(await t.http.get(ME).set('Authorization', bearer(careful)), 401, 'SESSION_REVOKED');
    const again = await t.http.post('/api/auth/login').send({ email: careful.email, password: careful.password });
    assert.equal(again.body.mfaRequired, true, 'the second factor from before the change is still asked');
  });

  it('removes on an undo a passkey the attacker registered after the change, and the recovery codes that came with it', async () => {
    const owner = await registerAndLogin(t);
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: mailedToken(owner.email, /./) })).status, 200);
    const taken = uniqueEmail('taken');
    assert.equal((await changeEmail(owner, taken)).status, 202);
    assert.equal((await verifyLatest(taken)).status, 200);
    // The attacker's passkey (the service's default relying party: the host of PUBLIC_URL).
    const headers = { Authorization: bearer(owner), 'X-Step-Up-Token': await stepUp(t, owner) };
    const options = await t.http.post(`${ME}/factors/passkeys/options`).set(headers);
    const attackers = new SoftAuthenticator('http://localhost:3000');
    const added = await t.http
      .post(`${ME}/factors/passkeys`)
      .set(headers)
      .send({ credential: attackers.register(options.body) });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.recoveryCodes.length, 10);

    assert.equal((await t.http.post('/api/auth/email/revert').send({ token: mailedToken(owner.email, /address was changed/) })).status, 200);
    const reset = mailedToken(owner.email, /address was restored/);
    assert.equal((await t.http.post('/api/auth/password/reset').send({ token: reset, newPassword: OTHER_STRONG_PASSWORD })).status, 204);
    const back = await login(t, owner.email, OTHER_STRONG_PASSWORD);
    assert.deepEqual((await t.http.get(`${ME}/factors`).set('Authorization', bearer(back))).body, { totp: null, passkeys: [], recoveryCodes: null });
    const passwordless = await t.http.post('/api/auth/passkeys/options');
    assertError(await t.http.post('/api/auth/passkeys/login').send({ credential: attackers.authenticate(passwordless.body) }), 401, 'INVALID_CREDENTIALS');
    assertError(
      await t.http.post('/api/auth/step-up').set('Authorization', bearer(back)).send({ code: added.body.recoveryCodes[0] }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('cancels a pending email change when the password changes, or when every other session is signed out', async () => {
    const user = await registerAndLogin(t);
    const attackerAddress = uniqueEmail('attacker');
    assert.equal((await changeEmail(user, attackerAddress)).status, 202);
    const password = await t.http
      .put(`${ME}/password`)
      .set('Authorization', bearer(user))
      .set('X-Step-Up-Token', await stepUp(t, user))
      .send({ newPassword: OTHER_STRONG_PASSWORD });
    assert.equal(password.status, 204);
    assert.equal((await t.http.get(ME).set('Authorization', bearer(user))).body.pendingEmail, null);
    assertError(await verifyLatest(attackerAddress), 400, 'EMAIL_TOKEN_INVALID');

    const relogged = await login(t, user.email, OTHER_STRONG_PASSWORD);
    const second = uniqueEmail('attacker2');
    assert.equal((await changeEmail(relogged, second)).status, 202);
    assert.equal((await t.http.delete(`${ME}/sessions`).set('Authorization', bearer(relogged))).status, 204);
    assert.equal((await t.http.get(ME).set('Authorization', bearer(relogged))).body.pendingEmail, null);
    assertError(await verifyLatest(second), 400, 'EMAIL_TOKEN_INVALID');
    assert.ok(readOutbox(t.dataDir).some((m) => m.to.toLowerCase() === user.email.toLowerCase() && /other device was signed out/.test(m.subject)));
  });
});
