import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
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
import { type ProviderAccount, TestOidcProvider } from '../helpers/oidc-provider';
import { SoftAuthenticator } from '../helpers/soft-authenticator';
import { type TestApp, freePort, linkToken, readOutbox, startTestApp, waitForMailJobs, waitForOutboxMail } from '../helpers/test-app';

const ME = '/api/auth/users/me';
const AFTER = 'https://app.example/after';
const THIRD_PASSWORD = 'Gz5%tRq8!mWx silver fjord';
/** Short, so that a factor the owner added before it is "older than the look-back" after a short wait. */
const LOOKBACK_MS = 2000;

/** What an intruder may leave behind, as the tables hold it. */
interface Footholds {
  liveSessions: number;
  openMfaTokens: number;
  pendingChange: boolean;
  totp: number;
  passkeys: number;
  recoveryCodes: number;
  providers: number;
}

/**
 * The takeback rule (one owner, TakebackService) driven through every way back in — a password reset of a squat,
 * an undo link, a provider's claim of a squatted address, an unlock — against every foothold an intruder can
 * plant: a session, an MfaToken in flight, a pending change, an authenticator app, a passkey, recovery codes, a
 * linked provider, the password. The tables are checked, not only the answers.
 */
describe('takeback: every way back into an account, against every foothold', () => {
  let t: TestApp;
  let acme: TestOidcProvider;
  let publicUrl: string;

  before(async () => {
    acme = await new TestOidcProvider('takebackAcme').start();
    const port = await freePort();
    publicUrl = `http://localhost:${port}`;
    t = await startTestApp(
      {
        PUBLIC_URL: publicUrl,
        OIDC_PROVIDERS: JSON.stringify([{ id: 'acme', name: 'Acme ID', issuer: acme.issuer, clientId: acme.clientId, clientSecret: 'acme-secret' }]),
        OIDC_REDIRECT_ALLOWLIST: AFTER,
        AUTH_RATE_LIMIT_IP: '100000/15m',
        LOCK_LOOKBACK: `${LOOKBACK_MS / 1000}s`,
        TRUST_PROXY: 'true',
      },
      { port },
    );
  });
  after(async () => {
    await t?.close();
    await acme?.stop();
  });

  const bearer = (user: { accessToken: string }) => ({ Authorization: `Bearer ${user.accessToken}` });
  const mailsTo = (address: string) => readOutbox(t.dataDir).filter((m) => m.to.toLowerCase() === address.toLowerCase());
  const lastMail = (address: string, subject: RegExp) => {
    const mail = mailsTo(address)
      .filter((m) => subject.test(m.subject))
      .pop();
    assert.ok(mail, `a mail to ${address} matching ${subject}`);
    return mail;
  };
  const verifyAddress = async (address: string) => {
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: linkToken(lastMail(address, /Verify your/)) })).status, 200);
  };
  const forgotAndReset = async (address: string, newPassword: string) => {
    const before = new Set(readOutbox(t.dataDir).map((m) => m.file));
    assert.equal((await t.http.post('/api/auth/password/forgot').send({ email: address })).status, 202);
    const mail = await waitForOutboxMail(t.dataDir, (m) => !before.has(m.file) && m.to.toLowerCase() === address.toLowerCase() && /Reset your/.test(m.subject));
    const reset = await t.http.post('/api/auth/password/reset').send({ token: linkToken(mail), newPassword });
    assert.equal(reset.status, 204, JSON.stringify(reset.body));
  };
  const changeAndVerify = async (user: SignedIn, to: string, stepUpToken?: string) => {
    const headers = { ...bearer(user), 'X-Step-Up-Token': stepUpToken ?? (await stepUp(t, user)) };
    assert.equal((await t.http.put(`${ME}/email`).set(headers).send({ email: to })).status, 202);
    assert.equal((await t.http.post('/api/auth/email/verify').send({ token: linkToken(lastMail(to, /Confirm your new/)) })).status, 200);
  };
  const codeFor = (secret: string, offsetSteps = 0) =>
    new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

  async function linkProvider(user: SignedIn, who: ProviderAccount): Promise<void> {
    const start = await t.http
      .post(`${ME}/providers/acme`)
      .set({ ...bearer(user), 'X-Step-Up-Token': await stepUp(t, user) })
      .send({});
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const flowCookie = (cookieNamed(setCookies(start.headers), 'oidc_flow') ?? '').split(';')[0];
    acme.signInAs(who);
    const callback = await acme.authorize(start.body.authorizationUrl);
    const done = await t.http.get(callback.pathname + callback.search).set('Cookie', flowCookie);
    assert.equal(new URL(done.headers.location).searchParams.get('error'), null);
  }

  async function providerSignIn(who: ProviderAccount): Promise<URL> {
    acme.signInAs(who);
    const start = await t.http.get('/api/auth/oidc/acme/login').query({ redirect: AFTER });
    const flowCookie = (cookieNamed(setCookies(start.headers), 'oidc_flow') ?? '').split(';')[0];
    const callback = await acme.authorize(start.headers.location);
    const done = await t.http.get(callback.pathname + callback.search).set('Cookie', flowCookie);
    return new URL(done.headers.location);
  }

  /** A passkey of the caller's (step-up with the password, or with `stepUpToken`). */
  async function addPasskey(user: SignedIn, stepUpToken?: string): Promise<{ authenticator: SoftAuthenticator; recoveryCodes: string[] | null }> {
    const headers = { ...bearer(user), 'X-Step-Up-Token': stepUpToken ?? (await stepUp(t, user)) };
    const options = await t.http.post(`${ME}/factors/passkeys/options`).set(headers);
    const authenticator = new SoftAuthenticator(publicUrl);
    const added = await t.http
      .post(`${ME}/factors/passkeys`)
      .set(headers)
      .send({ credential: authenticator.register(options.body) });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    return { authenticator, recoveryCodes: added.body.recoveryCodes };
  }

  async function stepUpWithCode(user: SignedIn, code: string): Promise<string> {
    const response = await t.http.post('/api/auth/step-up').set(bearer(user)).send({ code });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.stepUpToken;
  }

  /**
   * Everything an intruder holding `intruder` (a session and the password) can plant: a provider, a passkey with
   * its recovery codes, an authenticator app, a pending change, an MfaToken in flight, a second session.
   */
  async function plantFootholds(
    intruder: SignedIn,
  ): Promise<{ passkey: SoftAuthenticator; recoveryCodes: string[]; totpSecret: string; mfaToken: string; who: ProviderAccount }> {
    const who = { sub: `sub-${randomUUID()}`, email: uniqueEmail('intruder-idp').toLowerCase(), email_verified: true };
    await linkProvider(intruder, who);
    const { authenticator, recoveryCodes } = await addPasskey(intruder);
    assert.ok(recoveryCodes);
    const started = await t.http.post(`${ME}/factors/totp`).set({ ...bearer(intruder), 'X-Step-Up-Token': await stepUpWithCode(intruder, recoveryCodes[0]) });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(
      (
        await t.http
          .post(`${ME}/factors/totp/confirm`)
          .set(bearer(intruder))
          .send({ code: codeFor(started.body.secret) })
      ).status,
      200,
    );
    const pending = await t.http
      .put(`${ME}/email`)
      .set({ ...bearer(intruder), 'X-Step-Up-Token': await stepUpWithCode(intruder, recoveryCodes[1]) })
      .send({ email: uniqueEmail('intruder-next') });
    assert.equal(pending.status, 202);
    const secondSignIn = await t.http.post('/api/auth/login').send({ email: intruder.email, password: intruder.password });
    assert.equal(secondSignIn.body.mfaRequired, true);
    return { passkey: authenticator, recoveryCodes: recoveryCodes.slice(2), totpSecret: started.body.secret, mfaToken: secondSignIn.body.mfaToken, who };
  }

  async function footholds(userId: string): Promise<Footholds> {
    const count = async (sql: string) => Number((await t.db.query<Array<{ n: number | string }>>(sql.replace('$USER', `'${userId}'`)))[0].n);
    const [user] = await t.db.query<Array<{ pending_email: string | null }>>(`SELECT pending_email FROM users WHERE id = '${userId}'`);
    return {
      liveSessions: await count('SELECT COUNT(*) AS n FROM sessions WHERE user_id = $USER AND revoked_at IS NULL'),
      openMfaTokens: await count('SELECT COUNT(*) AS n FROM mfa_tokens WHERE user_id = $USER AND used_at IS NULL'),
      pendingChange:
        (user?.pending_email ?? null) !== null ||
        (await count("SELECT COUNT(*) AS n FROM email_tokens WHERE user_id = $USER AND purpose = 'change' AND used_at IS NULL")) > 0,
      totp: await count('SELECT COUNT(*) AS n FROM totp_factors WHERE user_id = $USER'),
      passkeys: await count('SELECT COUNT(*) AS n FROM passkeys WHERE user_id = $USER'),
      recoveryCodes: await count('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $USER'),
      providers: await count('SELECT COUNT(*) AS n FROM user_identities WHERE user_id = $USER'),
    };
  }
  const NOTHING: Footholds = { liveSessions: 0, openMfaTokens: 0, pendingChange: false, totp: 0, passkeys: 0, recoveryCodes: 0, providers: 0 };

  /** What the intruder still tries after the takeback: each must fail. */
  async function assertIntruderIsOut(intruder: SignedIn, planted: Awaited<ReturnType<typeof plantFootholds>>, intruderPassword: string | null) {
    assertError(await t.http.get(ME).set(bearer(intruder)), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: intruder.refreshToken }), 401, 'REFRESH_TOKEN_INVALID');
    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: planted.mfaToken, code: codeFor(planted.totpSecret, 1) }), 401, 'MFA_TOKEN_INVALID');
    const options = await t.http.post('/api/auth/passkeys/options');
    assertError(await t.http.post('/api/auth/passkeys/login').send({ credential: planted.passkey.authenticate(options.body) }), 401, 'INVALID_CREDENTIALS');
    if (intruderPassword)
      assertError(await t.http.post('/api/auth/login').send({ email: intruder.email, password: intruderPassword }), 401, 'INVALID_CREDENTIALS');
  }

  it('a password reset of a squatted address removes every factor, passkey, recovery code and provider of the squatter (1)', async () => {
    const address = uniqueEmail('victim');
    const squatter = await registerAndLogin(t, { email: address });
    const planted = await plantFootholds(squatter);
    assert.deepEqual(await footholds(squatter.userId), {
      liveSessions: 1,
      openMfaTokens: 1,
      pendingChange: true,
      totp: 1,
      passkeys: 1,
      recoveryCodes: 10,
      providers: 1,
    });

    await forgotAndReset(address, OTHER_STRONG_PASSWORD);
    assert.deepEqual(await footholds(squatter.userId), NOTHING);
    await assertIntruderIsOut(squatter, planted, STRONG_PASSWORD);
    // The owner signs in with the password alone: no squatter's factor stands in the way.
    const owner = await t.http.post('/api/auth/login').send({ email: address, password: OTHER_STRONG_PASSWORD });
    assert.equal(owner.status, 200);
    assert.ok(owner.body.accessToken, JSON.stringify(owner.body));
    assert.equal(owner.body.user.emailVerified, true);
    assert.deepEqual(
      owner.body.user.identityProviders.map((p: { provider: string }) => p.provider),
      ['password'],
    );
  });

  it('a password reset of a verified account keeps the owner’s factors (only sessions and pending changes end)', async () => {
    const owner = await registerAndLogin(t);
    await verifyAddress(owner.email);
    const { recoveryCodes } = await addPasskey(owner);
    await forgotAndReset(owner.email, OTHER_STRONG_PASSWORD);
    const counts = await footholds(owner.userId);
    assert.deepEqual({ ...counts, recoveryCodes: counts.recoveryCodes > 0 }, { ...NOTHING, passkeys: 1, recoveryCodes: true });
    const signIn = await t.http.post('/api/auth/login').send({ email: owner.email, password: OTHER_STRONG_PASSWORD });
    assert.equal(signIn.body.mfaRequired, true, 'a second factor is still asked at the next sign-in');
    assert.equal((await t.http.post('/api/auth/login/mfa').send({ mfaToken: signIn.body.mfaToken, code: recoveryCodes?.[0] })).status, 200);
  });

  it('an undo link removes what the intruder added since the change, and the password', async () => {
    const owner = await registerAndLogin(t);
    await verifyAddress(owner.email);
    const original = owner.email;
    const intruderAddress = uniqueEmail('intruder');
    await changeAndVerify(owner, intruderAddress);
    const intruder = { ...owner, email: intruderAddress };
    const planted = await plantFootholds(intruder);

    const undo = linkToken(lastMail(original, /address was changed/), 'revert-email');
    const reverted = await t.http.post('/api/auth/email/revert').send({ token: undo });
    assert.equal(reverted.status, 200, JSON.stringify(reverted.body));
    assert.deepEqual(await footholds(owner.userId), NOTHING);
    await assertIntruderIsOut(intruder, planted, null);
    assertError(await t.http.post('/api/auth/login').send({ email: original, password: STRONG_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    const reset = linkToken(lastMail(original, /address was restored/), 'reset-password');
    assert.equal((await t.http.post('/api/auth/password/reset').send({ token: reset, newPassword: OTHER_STRONG_PASSWORD })).status, 204);
    assert.ok((await login(t, original, OTHER_STRONG_PASSWORD)).accessToken);
  });

  it('a provider sign-in with the verified address removes the squat whole, with everything planted in it', async () => {
    const address = uniqueEmail('claimed').toLowerCase();
    const squatter = await registerAndLogin(t, { email: address });
    await plantFootholds(squatter);
    const next = await providerSignIn({ sub: `owner-${randomUUID()}`, email: address, email_verified: true });
    assert.equal(next.searchParams.get('error'), null, next.toString());
    assert.deepEqual(await footholds(squatter.userId), NOTHING);
    assert.deepEqual(await t.db.query(`SELECT id FROM users WHERE id = '${squatter.userId}'`), []);
  });

  it('an unlock removes what was added in the look-back before the lock and keeps the owner’s older passkey', async () => {
    const owner = await registerAndLogin(t);
    await verifyAddress(owner.email);
    const ownersKey = await addPasskey(owner);
    await delay(LOOKBACK_MS + 300);
    // The intruder, with the password and a session, plants everything (stepping up with the owner's recovery codes they read).
    const intruderSignIn = await t.http.post('/api/auth/login').send({ email: owner.email, password: owner.password });
    const intruder: SignedIn = { ...owner, ...(await completeWithCode(intruderSignIn.body.mfaToken, ownersKey.recoveryCodes![0])) };
    const who = { sub: `sub-${randomUUID()}`, email: uniqueEmail('idp').toLowerCase(), email_verified: true };
    const linkStart = await t.http
      .post(`${ME}/providers/acme`)
      .set({ ...bearer(intruder), 'X-Step-Up-Token': await stepUpWithCode(intruder, ownersKey.recoveryCodes![1]) })
      .send({});
    acme.signInAs(who);
    const callback = await acme.authorize(linkStart.body.authorizationUrl);
    await t.http.get(callback.pathname + callback.search).set('Cookie', (cookieNamed(setCookies(linkStart.headers), 'oidc_flow') ?? '').split(';')[0]);
    const intrudersKey = await addPasskey(intruder, await stepUpWithCode(intruder, ownersKey.recoveryCodes![2]));
    const before = await footholds(owner.userId);
    assert.equal(before.passkeys, 2);
    assert.equal(before.providers, 1);

    // The owner pulls the brake from the "passkey added" notice, then unlocks with a new password.
    const notice = lastMail(owner.email, /A passkey was added/);
    assert.equal((await t.http.post('/api/auth/lock').send({ token: linkToken(notice, 'lock-account') })).status, 204);
    const unlock = linkToken(lastMail(owner.email, /is locked/), 'unlock-account');
    assert.equal((await t.http.post('/api/auth/unlock').send({ token: unlock, newPassword: OTHER_STRONG_PASSWORD })).status, 204);
    const after = await footholds(owner.userId);
    assert.deepEqual({ ...after, recoveryCodes: 0 }, { ...NOTHING, passkeys: 1 });
    const passwordless = await t.http.post('/api/auth/passkeys/options');
    assertError(
      await t.http.post('/api/auth/passkeys/login').send({ credential: intrudersKey.authenticator.authenticate(passwordless.body) }),
      401,
      'INVALID_CREDENTIALS',
    );
    const again = await t.http.post('/api/auth/passkeys/options');
    assert.equal(
      (await t.http.post('/api/auth/passkeys/login').send({ credential: ownersKey.authenticator.authenticate(again.body) })).status,
      200,
      'the owner’s older passkey still signs in',
    );
    assertError(await t.http.post('/api/auth/login').send({ email: owner.email, password: STRONG_PASSWORD }), 401, 'INVALID_CREDENTIALS');
  });

  async function completeWithCode(mfaToken: string, code: string): Promise<{ accessToken: string; refreshToken: string }> {
    const done = await t.http.post('/api/auth/login/mfa').send({ mfaToken, code });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    return { accessToken: done.body.accessToken, refreshToken: done.body.refreshToken };
  }

  it('a right password never clears the count of wrong second-factor codes, across IPs (2)', async () => {
    const user = await registerAndLogin(t);
    const started = await t.http.post(`${ME}/factors/totp`).set({ ...bearer(user), 'X-Step-Up-Token': await stepUp(t, user) });
    assert.equal(
      (
        await t.http
          .post(`${ME}/factors/totp/confirm`)
          .set(bearer(user))
          .send({ code: codeFor(started.body.secret) })
      ).status,
      200,
    );
    const right = codeFor(started.body.secret, 1);
    const wrong = right === '123456' ? '654321' : '123456';
    const answers: number[] = [];
    for (let round = 0; round < 3; round++) {
      // A new address each round: the per-IP counters never fill.
      const ip = `198.51.100.${round + 10}`;
      const signIn = await t.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ email: user.email, password: user.password });
      assert.equal(signIn.body.mfaRequired, true);
      for (let i = 0; i < 3; i++)
        answers.push((await t.http.post('/api/auth/login/mfa').set('X-Forwarded-For', ip).send({ mfaToken: signIn.body.mfaToken, code: wrong })).status);
    }
    assert.deepEqual(answers, [401, 401, 401, 401, 401, 429, 429, 429, 429], 'MFA_RATE_LIMIT_ACCOUNT (5/15m) across IPs and sign-ins');
  });

  it('an undo link never cancels an earlier one: the intruder’s undo cannot kill the owner’s (3)', async () => {
    const owner = await registerAndLogin(t);
    await verifyAddress(owner.email);
    const a = owner.email;
    const b = uniqueEmail('b');
    const c = uniqueEmail('c');
    await changeAndVerify(owner, b);
    const undoA = linkToken(lastMail(a, /address was changed/), 'revert-email');
    await changeAndVerify(owner, c);
    const undoB = linkToken(lastMail(b, /address was changed/), 'revert-email');
    // The intruder undoes C -> B, then resets B's password with the link that undo mailed to B.
    assert.equal((await t.http.post('/api/auth/email/revert').send({ token: undoB })).status, 200);
    const resetB = linkToken(lastMail(b, /address was restored/), 'reset-password');
    assert.equal((await t.http.post('/api/auth/password/reset').send({ token: resetB, newPassword: THIRD_PASSWORD })).status, 204);
    // The owner's first link still works, and takes the account back from B.
    const reverted = await t.http.post('/api/auth/email/revert').send({ token: undoA });
    assert.equal(reverted.status, 200, JSON.stringify(reverted.body));
    assert.equal(reverted.body.email.toLowerCase(), a.toLowerCase());
    assertError(await t.http.post('/api/auth/login').send({ email: b, password: THIRD_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    // An undo after an undo: the earlier link is spent, and a later one (of a change after it) is cancelled.
    assertError(await t.http.post('/api/auth/email/revert').send({ token: undoA }), 400, 'EMAIL_TOKEN_INVALID');
  });

  it('an unverified registration of the freed old address does not block the undo; the squat is removed (4)', async () => {
    const owner = await registerAndLogin(t);
    await verifyAddress(owner.email);
    const a = owner.email;
    await changeAndVerify(owner, uniqueEmail('moved'));
    const squatter = await registerAndLogin(t, { email: a });
    const reverted = await t.http.post('/api/auth/email/revert').send({ token: linkToken(lastMail(a, /address was changed/), 'revert-email') });
    assert.equal(reverted.status, 200, JSON.stringify(reverted.body));
    assert.equal(reverted.body.email.toLowerCase(), a.toLowerCase());
    assert.deepEqual(await t.db.query(`SELECT id FROM users WHERE id = '${squatter.userId}'`), []);
    assertError(await t.http.get(ME).set(bearer(squatter)), 401, 'SESSION_REVOKED');
  });

  it('an undo of a change confirmed with a second factor restores the address and ends the sessions, keeping factors and password', async () => {
    const owner = await registerAndLogin(t);
    await verifyAddress(owner.email);
    const { recoveryCodes } = await addPasskey(owner);
    const moved = uniqueEmail('moved2');
    await changeAndVerify(owner, moved, await stepUpWithCode(owner, recoveryCodes![0]));
    assert.match(lastMail(moved, /now the address/).raw, /can undo the change/, 'the new address is told until when the old one can undo it');
    assert.equal(
      (await t.http.post('/api/auth/email/revert').send({ token: linkToken(lastMail(owner.email, /address was changed/), 'revert-email') })).status,
      200,
    );
    const counts = await footholds(owner.userId);
    assert.equal(counts.liveSessions, 0);
    assert.equal(counts.passkeys, 1);
    const again = await t.http.post('/api/auth/login').send({ email: owner.email, password: owner.password });
    assert.equal(again.body.mfaRequired, true, 'the password still works, and the factor is still asked');
  });

  it('limits the codes that confirm an authenticator-app enrolment (5)', async () => {
    const user = await registerAndLogin(t);
    const started = await t.http.post(`${ME}/factors/totp`).set({ ...bearer(user), 'X-Step-Up-Token': await stepUp(t, user) });
    const right = codeFor(started.body.secret);
    const wrong = right === '111111' ? '222222' : '111111';
    for (let i = 0; i < 5; i++) assertError(await t.http.post(`${ME}/factors/totp/confirm`).set(bearer(user)).send({ code: wrong }), 422, 'INVALID_CODE');
    assertError(await t.http.post(`${ME}/factors/totp/confirm`).set(bearer(user)).send({ code: right }), 429, 'TOO_MANY_REQUESTS');
  });

  it('forgot and resend do the same work for a known and an unknown address: one mail job each (6)', async () => {
    const known = await registerAndLogin(t);
    const jobs = async () => Number((await t.db.query<Array<{ n: number | string }>>('SELECT COUNT(*) AS n FROM mail_jobs'))[0].n);
    for (const route of ['/api/auth/password/forgot', '/api/auth/email/resend']) {
      for (const email of [known.email, uniqueEmail('unknown')]) {
        const before = await jobs();
        assert.equal((await t.http.post(route).send({ email })).status, 202);
        assert.equal(await jobs(), before + 1, `${route} for ${email === known.email ? 'a known' : 'an unknown'} address`);
      }
    }
    await waitForMailJobs(t);
    assert.equal(mailsTo(known.email).filter((m) => /Reset your/.test(m.subject)).length, 1);
  });

  it('a provider step-up checks for a second factor at the callback, not only at the start (7)', async () => {
    const user = await registerAndLogin(t);
    const who = { sub: `sub-${randomUUID()}`, email: uniqueEmail('stepper').toLowerCase(), email_verified: true };
    await linkProvider(user, who);
    // A flow started while the account had no second factor…
    const start = await t.http.post('/api/auth/step-up/oidc/acme').set(bearer(user)).send({});
    assert.equal(start.status, 200, JSON.stringify(start.body));
    // …and a passkey enrolled before the callback.
    await addPasskey(user);
    acme.signInAs(who);
    const callback = await acme.authorize(start.body.authorizationUrl);
    const done = await t.http.get(callback.pathname + callback.search).set('Cookie', (cookieNamed(setCookies(start.headers), 'oidc_flow') ?? '').split(';')[0]);
    assert.equal(new URL(done.headers.location).searchParams.get('error'), 'second_factor_required');
    assert.equal(cookieNamed(setCookies(done.headers), 'step_up_token'), undefined);
  });

  it('a code is not spent by a request that loses the race for the MfaToken (7)', async () => {
    const user = await registerAndLogin(t);
    const { recoveryCodes } = await addPasskey(user);
    const signIn = await t.http.post('/api/auth/login').send({ email: user.email, password: user.password });
    const [first, second] = await Promise.all([
      t.http.post('/api/auth/login/mfa').send({ mfaToken: signIn.body.mfaToken, code: recoveryCodes![0] }),
      t.http.post('/api/auth/login/mfa').send({ mfaToken: signIn.body.mfaToken, code: recoveryCodes![1] }),
    ]);
    const statuses = [first.status, second.status].sort();
    assert.deepEqual(statuses, [200, 401]);
    const loserCode = first.status === 200 ? recoveryCodes![1] : recoveryCodes![0];
    const again = await t.http.post('/api/auth/login').send({ email: user.email, password: user.password });
    assert.equal(
      (await t.http.post('/api/auth/login/mfa').send({ mfaToken: again.body.mfaToken, code: loserCode })).status,
      200,
      'the loser’s code is still unused',
    );
  });
});
