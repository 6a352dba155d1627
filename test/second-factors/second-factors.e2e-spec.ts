import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Secret, TOTP } from 'otpauth';
import { STRONG_PASSWORD, type SignedIn, assertError, registerAndLogin, setCookies, stepUp } from '../helpers/factories';
import { type TestApp, readOutbox, startTestApp } from '../helpers/test-app';

const FACTORS = '/api/auth/users/me/factors';

/** The code an authenticator app shows for the secret, `offsetSteps` 30-second steps from now. */
function codeFor(secret: string, offsetSteps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('second factors: an authenticator app (TOTP) and recovery codes', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_ACCOUNT: '5/15m' });
  });
  after(() => t.close());

  const bearer = (user: SignedIn) => ({ Authorization: `Bearer ${user.accessToken}` });
  const withStepUp = async (user: SignedIn, stepUpToken?: string) => ({ ...bearer(user), 'X-Step-Up-Token': stepUpToken ?? (await stepUp(t, user)) });
  /** Turns TOTP on for the user; returns the secret and the recovery codes. */
  const enrol = async (user: SignedIn) => {
    const started = await t.http.post(`${FACTORS}/totp`).set(await withStepUp(user));
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const confirmed = await t.http
      .post(`${FACTORS}/totp/confirm`)
      .set(bearer(user))
      .send({ code: codeFor(started.body.secret) });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    return { secret: started.body.secret as string, recoveryCodes: confirmed.body.recoveryCodes as string[] };
  };
  const signIn = (user: SignedIn) => t.http.post('/api/auth/login').send({ email: user.email, password: user.password });

  it('enrols only after a step-up and a confirming code; a code of an earlier enrolment or another session does not confirm', async () => {
    const user = await registerAndLogin(t);
    assertError(await t.http.post(`${FACTORS}/totp`).set(bearer(user)), 401, 'STEP_UP_REQUIRED');
    const headers = await withStepUp(user);
    const first = await t.http.post(`${FACTORS}/totp`).set(headers);
    assert.equal(first.status, 200);
    assert.match(first.body.secret, /^[A-Z2-7]{32}$/);
    assert.match(first.body.otpauthUri, /^otpauth:\/\/totp\/.+secret=[A-Z2-7]+.*period=30/);
    assert.match(first.body.qrCode, /^data:image\/png;base64,/);
    // Nothing changes for sign-in while the enrolment is pending.
    assert.ok((await signIn(user)).body.accessToken);

    const second = await t.http.post(`${FACTORS}/totp`).set(headers);
    assert.notEqual(second.body.secret, first.body.secret);
    assertError(
      await t.http
        .post(`${FACTORS}/totp/confirm`)
        .set(bearer(user))
        .send({ code: codeFor(first.body.secret) }),
      422,
      'INVALID_CODE',
    );
    assertError(
      await t.http
        .post(`${FACTORS}/totp/confirm`)
        .set(bearer(user))
        .send({ code: '000000' === codeFor(second.body.secret) ? '111111' : '000000' }),
      422,
      'INVALID_CODE',
    );
    const otherSession = await signIn(user);
    assertError(
      await t.http
        .post(`${FACTORS}/totp/confirm`)
        .set('Authorization', `Bearer ${otherSession.body.accessToken}`)
        .send({ code: codeFor(second.body.secret) }),
      404,
      'NOT_FOUND',
    );

    const confirmed = await t.http
      .post(`${FACTORS}/totp/confirm`)
      .set(bearer(user))
      .send({ code: codeFor(second.body.secret) });
    assert.equal(confirmed.status, 200);
    assert.equal(confirmed.body.recoveryCodes.length, 10);
    assert.equal(new Set(confirmed.body.recoveryCodes).size, 10);
    assertError(await t.http.post(`${FACTORS}/totp`).set(headers), 409, 'FACTOR_EXISTS');

    const listed = await t.http.get(FACTORS).set(bearer(user));
    assert.equal(listed.status, 200);
    assert.equal(listed.body.recoveryCodes.remaining, 10);
    assert.ok(listed.body.totp.createdAt);
    assert.doesNotMatch(JSON.stringify(listed.body), new RegExp(second.body.secret));
    // The secret is encrypted at rest.
    const [row] = await t.db.query(`SELECT secret FROM totp_factors WHERE user_id = ${t.db.options.type === 'postgres' ? '$1' : '?'}`, [user.userId]);
    assert.ok(!String(row.secret).includes(second.body.secret));
    const notices = readOutbox(t.dataDir).filter((mail) => mail.to.toLowerCase() === user.email.toLowerCase());
    assert.ok(notices.some((mail) => /Two-step sign-in was turned on/.test(mail.subject)));
  });

  it('signs in with the password and then a code: each code and each MfaToken works once', async () => {
    const user = await registerAndLogin(t);
    const { secret } = await enrol(user);
    const first = await signIn(user);
    assert.equal(first.status, 200);
    assert.equal(first.body.mfaRequired, true);
    assert.deepEqual(first.body.methods, ['totp', 'recovery_code']);
    assert.equal(first.body.accessToken, undefined);
    assert.deepEqual(setCookies(first.headers), [], 'no session and no cookie before the second factor');

    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: first.body.mfaToken, code: '12345' }), 400, 'VALIDATION_FAILED');
    const code = codeFor(secret, 1);
    const wrong = code === '000000' ? '999999' : '000000';
    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: first.body.mfaToken, code: wrong }), 401, 'INVALID_CREDENTIALS');
    const done = await t.http.post('/api/auth/login/mfa').send({ mfaToken: first.body.mfaToken, code });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.ok(done.body.accessToken && done.body.refreshToken);
    assert.equal(done.body.user.id, user.userId);
    assert.equal((await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${done.body.accessToken}`)).status, 200);

    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: first.body.mfaToken, code }), 401, 'MFA_TOKEN_INVALID');
    const again = await signIn(user);
    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: again.body.mfaToken, code }), 401, 'INVALID_CREDENTIALS');
    // The code of the step before the one used is refused too (codes only move forward).
    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: again.body.mfaToken, code: codeFor(secret, 0) }), 401, 'INVALID_CREDENTIALS');
    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: 'not-a-token', code: codeFor(secret, 1) }), 401, 'MFA_TOKEN_INVALID');
  });

  it('binds the MfaToken to its account, and lets a recovery code sign in once', async () => {
    const alice = await registerAndLogin(t);
    const bob = await registerAndLogin(t);
    const { secret, recoveryCodes } = await enrol(alice);
    await enrol(bob);
    const bobs = await signIn(bob);
    // Alice's valid code with Bob's MfaToken is checked against Bob's factor: refused.
    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: bobs.body.mfaToken, code: codeFor(secret, 1) }), 401, 'INVALID_CREDENTIALS');

    const first = await signIn(alice);
    const recovered = await t.http.post('/api/auth/login/mfa').send({ mfaToken: first.body.mfaToken, code: recoveryCodes[3].toUpperCase() });
    assert.equal(recovered.status, 200);
    const second = await signIn(alice);
    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: second.body.mfaToken, code: recoveryCodes[3] }), 401, 'INVALID_CREDENTIALS');
    assert.equal((await t.http.get(FACTORS).set(bearer(alice))).body.recoveryCodes.remaining, 9);
  });

  it('counts wrong codes on the account’s second-factor counter: five kill the MfaToken, and a new sign-in finds the counter full', async () => {
    const user = await registerAndLogin(t);
    const { secret } = await enrol(user);
    const { body } = await signIn(user);
    const right = codeFor(secret, 1);
    const wrong = right === '000000' ? '999999' : '000000';
    for (let i = 0; i < 5; i += 1)
      assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: body.mfaToken, code: wrong }), 401, 'INVALID_CREDENTIALS');
    // The token saw five wrong codes: it is dead, even for the right one.
    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: body.mfaToken, code: right }), 401, 'MFA_TOKEN_INVALID');
    // The right password opens a new attempt, but does not clear the count of wrong codes (MFA_RATE_LIMIT_ACCOUNT, 5/15m).
    const again = await signIn(user);
    assert.equal(again.body.mfaRequired, true);
    assertError(await t.http.post('/api/auth/login/mfa').send({ mfaToken: again.body.mfaToken, code: right }), 429, 'TOO_MANY_REQUESTS');
  });

  it('steps up with the second factor: the password alone is not enough, and amr says otp', async () => {
    const user = await registerAndLogin(t);
    const { secret, recoveryCodes } = await enrol(user);
    const refused = await t.http.post('/api/auth/step-up').set(bearer(user)).send({ password: STRONG_PASSWORD });
    assertError(refused, 401, 'SECOND_FACTOR_REQUIRED');
    assert.deepEqual(refused.body.details.methods, ['totp', 'recovery_code']);
    assertError(
      await t.http
        .post('/api/auth/step-up')
        .set(bearer(user))
        .send({ password: STRONG_PASSWORD, code: codeFor(secret, 1) }),
      400,
      'VALIDATION_FAILED',
    );
    const stepped = await t.http
      .post('/api/auth/step-up')
      .set(bearer(user))
      .send({ code: codeFor(secret, 1) });
    assert.equal(stepped.status, 200, JSON.stringify(stepped.body));
    assert.deepEqual(claimsOf(stepped.body.stepUpToken).amr, ['otp']);

    // New recovery codes after a step-up; the old set stops working.
    const regenerated = await t.http.post(`${FACTORS}/recovery-codes`).set({ ...bearer(user), 'X-Step-Up-Token': stepped.body.stepUpToken });
    assert.equal(regenerated.status, 200);
    assert.equal(regenerated.body.recoveryCodes.length, 10);
    assertError(await t.http.post('/api/auth/step-up').set(bearer(user)).send({ code: recoveryCodes[0] }), 401, 'INVALID_CREDENTIALS');
    const withNew = await t.http.post('/api/auth/step-up').set(bearer(user)).send({ code: regenerated.body.recoveryCodes[0] });
    assert.equal(withNew.status, 200);

    // Turning it off needs a step-up too, and takes the recovery codes with it.
    const removed = await t.http.delete(`${FACTORS}/totp`).set({ ...bearer(user), 'X-Step-Up-Token': withNew.body.stepUpToken });
    assert.equal(removed.status, 204);
    assert.deepEqual((await t.http.get(FACTORS).set(bearer(user))).body, { totp: null, passkeys: [], recoveryCodes: null });
    assert.ok((await signIn(user)).body.accessToken, 'the password alone signs in again');
    assertError(await t.http.post(`${FACTORS}/recovery-codes`).set(await withStepUp(user)), 409, 'NO_SECOND_FACTOR');
    const subjects = readOutbox(t.dataDir)
      .filter((mail) => mail.to.toLowerCase() === user.email.toLowerCase())
      .map((mail) => mail.subject);
    assert.ok(subjects.some((subject) => /New recovery codes/.test(subject)) && subjects.some((subject) => /turned off/.test(subject)), subjects.join(' | '));
    const outbox = await t.db.getRepository('OutboxEventEntity').find({ where: { name: 'profile.factors_changed' } });
    const changes = outbox.map((row) => JSON.parse(String(row.payload)) as { userId: string; change: string }).filter((event) => event.userId === user.userId);
    assert.deepEqual(changes.map((event) => event.change).sort(), ['recovery_codes_regenerated', 'totp_added', 'totp_removed']);
  });

  it('lists the factors in the data export, dates and counts only', async () => {
    const user = await registerAndLogin(t);
    const { secret, recoveryCodes } = await enrol(user);
    const stepped = await t.http.post('/api/auth/step-up').set(bearer(user)).send({ code: recoveryCodes[0] });
    const exported = await t.http.get('/api/auth/users/me/export').set({ ...bearer(user), 'X-Step-Up-Token': stepped.body.stepUpToken });
    assert.equal(exported.status, 200);
    const text = JSON.stringify(exported.body);
    assert.ok(exported.body.secondFactors.totp.createdAt);
    assert.equal(exported.body.secondFactors.recoveryCodes.remaining, 9);
    for (const secretValue of [secret, ...recoveryCodes]) assert.ok(!text.includes(secretValue), 'no secret in the export');
  });

  it('deletes every factor with the account', async () => {
    const user = await registerAndLogin(t);
    const { recoveryCodes } = await enrol(user);
    const pending = await signIn(user);
    assert.equal(pending.body.mfaRequired, true);
    const p = t.db.options.type === 'postgres' ? '$1' : '?';
    const count = async (table: string) => Number((await t.db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ${p}`, [user.userId]))[0].n);
    assert.deepEqual([await count('totp_factors'), await count('recovery_codes'), await count('mfa_tokens')], [1, 10, 1]);
    const stepped = await t.http.post('/api/auth/step-up').set(bearer(user)).send({ code: recoveryCodes[9] });
    assert.equal(stepped.status, 200);
    assert.equal((await t.http.delete('/api/auth/users/me').set({ ...bearer(user), 'X-Step-Up-Token': stepped.body.stepUpToken })).status, 204);
    for (const table of ['totp_factors', 'recovery_codes', 'mfa_tokens']) assert.equal(await count(table), 0, table);
  });

  it('refuses to add a factor with an expired step-up', async () => {
    const short = await startTestApp({ STEP_UP_TTL: '1s' });
    try {
      const user = await registerAndLogin(short);
      const token = await stepUp(short, user);
      await delay(1100);
      assertError(
        await short.http.post(`${FACTORS}/totp`).set({ Authorization: `Bearer ${user.accessToken}`, 'X-Step-Up-Token': token }),
        401,
        'STEP_UP_REQUIRED',
      );
    } finally {
      await short.close();
    }
  });

  it('refuses an expired MfaToken', async () => {
    const short = await startTestApp({ MFA_TOKEN_TTL: '1s' });
    try {
      const user = await registerAndLogin(short);
      const headers = { Authorization: `Bearer ${user.accessToken}`, 'X-Step-Up-Token': await stepUp(short, user) };
      const started = await short.http.post(`${FACTORS}/totp`).set(headers);
      await short.http
        .post(`${FACTORS}/totp/confirm`)
        .set({ Authorization: `Bearer ${user.accessToken}` })
        .send({ code: codeFor(started.body.secret) });
      const { body } = await short.http.post('/api/auth/login').send({ email: user.email, password: user.password });
      await delay(1100);
      assertError(
        await short.http.post('/api/auth/login/mfa').send({ mfaToken: body.mfaToken, code: codeFor(started.body.secret, 1) }),
        401,
        'MFA_TOKEN_INVALID',
      );
    } finally {
      await short.close();
    }
  });
});
