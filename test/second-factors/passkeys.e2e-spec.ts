import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { type SignedIn, assertError, registerAndLogin, stepUp } from '../helpers/factories';
import { SoftAuthenticator } from '../helpers/soft-authenticator';
import { type TestApp, readOutbox, startTestApp } from '../helpers/test-app';

const FACTORS = '/api/auth/users/me/factors';
const ORIGIN = 'http://localhost:5173';

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('passkeys (WebAuthn) through the API, with a software authenticator', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_ORIGINS: `${ORIGIN},http://localhost:4173`,
      AUTH_RATE_LIMIT_ACCOUNT: '5/15m',
      // The refused ceremonies below are many for one account; the limit itself is tested in takeback.e2e-spec.
      MFA_RATE_LIMIT_ACCOUNT: '50/15m',
    });
  });
  after(() => t.close());

  const bearer = (user: SignedIn) => ({ Authorization: `Bearer ${user.accessToken}` });
  /** A step-up: with the password, or with the passkey once the account has one. */
  const withStepUp = async (user: SignedIn, authenticator?: SoftAuthenticator) => {
    if (!authenticator) return { ...bearer(user), 'X-Step-Up-Token': await stepUp(t, user) };
    const opts = (await t.http.post('/api/auth/step-up/passkey/options').set(bearer(user))).body;
    const stepped = await t.http
      .post('/api/auth/step-up/passkey')
      .set(bearer(user))
      .send({ credential: authenticator.authenticate(opts) });
    assert.equal(stepped.status, 200, JSON.stringify(stepped.body));
    return { ...bearer(user), 'X-Step-Up-Token': stepped.body.stepUpToken as string };
  };
  const sql = (text: string) => (t.db.options.type === 'postgres' ? text.replace(/\?/g, (_, i: number) => `$${text.slice(0, i).split('?').length}`) : text);
  const options = async (user: SignedIn, headers?: Record<string, string>) => {
    const response = await t.http.post(`${FACTORS}/passkeys/options`).set(headers ?? (await withStepUp(user)));
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  };
  /** Registers a passkey of a new software authenticator; the answer of the add route. */
  const addPasskey = async (user: SignedIn, authenticator = new SoftAuthenticator(ORIGIN), name?: string, existing?: SoftAuthenticator) => {
    const headers = await withStepUp(user, existing);
    const created = authenticator.register(await options(user, headers));
    const added = await t.http.post(`${FACTORS}/passkeys`).set(headers).send({ name, credential: created });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    return { authenticator, body: added.body as { passkey: { id: string; name: string; backedUp: boolean }; recoveryCodes: string[] | null } };
  };
  const passwordless = async () => (await t.http.post('/api/auth/passkeys/options')).body;

  it('adds a passkey only after a step-up, with the account’s first recovery codes; sign-in then asks for it', async () => {
    const user = await registerAndLogin(t);
    assertError(await t.http.post(`${FACTORS}/passkeys/options`).set(bearer(user)), 401, 'STEP_UP_REQUIRED');
    const headers = await withStepUp(user);
    const creation = await options(user, headers);
    assert.equal(creation.rp.id, 'localhost');
    assert.equal(creation.rp.name, 'Profile service');
    assert.equal(creation.authenticatorSelection.residentKey, 'preferred');
    assert.deepEqual(creation.excludeCredentials, []);
    const authenticator = new SoftAuthenticator(ORIGIN);
    const added = await t.http
      .post(`${FACTORS}/passkeys`)
      .set(headers)
      .send({ name: 'Laptop', credential: authenticator.register(creation) });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.passkey.name, 'Laptop');
    assert.equal(added.body.passkey.backedUp, false);
    assert.equal(added.body.passkey.lastUsedAt, null);
    assert.equal(added.body.recoveryCodes.length, 10);

    const factors = await t.http.get(FACTORS).set(bearer(user));
    assert.deepEqual(
      factors.body.passkeys.map((p: { id: string }) => p.id),
      [added.body.passkey.id],
    );
    assert.equal(factors.body.recoveryCodes.remaining, 10);
    assert.ok(!JSON.stringify(factors.body).includes(authenticator.credentialId), 'no credential material in the list');
    const again = await options(user, await withStepUp(user, authenticator));
    assert.deepEqual(
      again.excludeCredentials.map((c: { id: string }) => c.id),
      [authenticator.credentialId],
    );

    const signIn = await t.http.post('/api/auth/login').send({ email: user.email, password: user.password });
    assert.equal(signIn.body.mfaRequired, true);
    assert.deepEqual(signIn.body.methods, ['passkey', 'recovery_code']);
    assertError(await t.http.post('/api/auth/step-up').set(bearer(user)).send({ password: user.password }), 401, 'SECOND_FACTOR_REQUIRED');

    const mail = readOutbox(t.dataDir).filter((m) => m.to.toLowerCase() === user.email.toLowerCase());
    assert.ok(mail.some((m) => /A passkey was added/.test(m.subject)));
    const events = await t.db.query(sql(`SELECT type, details FROM security_events WHERE user_id = ? AND type = 'factor_added'`), [user.userId]);
    assert.equal(events.length, 1);
  });

  it('refuses a registration answer that is replayed, for another origin or rp id, of another session, or already registered', async () => {
    const user = await registerAndLogin(t);
    const headers = await withStepUp(user);
    const refused = async (credential: Record<string, unknown>, code = 'INVALID_CREDENTIAL', status = 422) =>
      assertError(await t.http.post(`${FACTORS}/passkeys`).set(headers).send({ credential }), status, code);

    await refused(new SoftAuthenticator('https://evil.example').register(await options(user, headers)));
    await refused(new SoftAuthenticator(ORIGIN).register(await options(user, headers), { rpId: 'evil.example' }));
    await refused(new SoftAuthenticator(ORIGIN).register(await options(user, headers), { challenge: Buffer.alloc(32, 7).toString('base64url') }));
    await refused({ id: 'x', response: { clientDataJSON: 'not json' } });
    await refused({ nothing: true });
    // Another session's challenge, even of the same account.
    const other = await t.http.post('/api/auth/login').send({ email: user.email, password: user.password });
    const otherHeaders = {
      Authorization: `Bearer ${other.body.accessToken}`,
      'X-Step-Up-Token': (await t.http.post('/api/auth/step-up').set('Authorization', `Bearer ${other.body.accessToken}`).send({ password: user.password }))
        .body.stepUpToken,
    };
    await refused(new SoftAuthenticator(ORIGIN).register(await options(user, otherHeaders)));

    const authenticator = new SoftAuthenticator(ORIGIN);
    const answer = authenticator.register(await options(user, headers));
    assert.equal((await t.http.post(`${FACTORS}/passkeys`).set(headers).send({ credential: answer })).status, 201);
    await refused(answer); // the same answer again: its challenge is used up
    await refused(authenticator.register(await options(user, headers)), 'FACTOR_EXISTS', 409);
    const stored = await t.db.query(sql('SELECT COUNT(*) AS n FROM passkeys WHERE user_id = ?'), [user.userId]);
    assert.equal(Number(stored[0].n), 1, 'no half-written passkey');
  });

  it('signs in with a passkey alone; the answer works once, for this site only, with user verification, and a cloned authenticator is refused', async () => {
    const user = await registerAndLogin(t);
    const { authenticator, body } = await addPasskey(user);

    const answer = authenticator.authenticate(await passwordless());
    const signedIn = await t.http.post('/api/auth/passkeys/login').send({ credential: answer });
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    assert.equal(signedIn.body.user.id, user.userId);
    assert.deepEqual(claimsOf(signedIn.body.accessToken).amr, ['hwk', 'user']);
    assert.ok(String(signedIn.headers['set-cookie']).includes('access_token='));
    const me = await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${signedIn.body.accessToken}`);
    assert.equal(me.status, 200);
    // The session keeps its amr across a refresh.
    const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken: signedIn.body.refreshToken });
    assert.deepEqual(claimsOf(refreshed.body.accessToken).amr, ['hwk', 'user']);

    const refused = async (credential: unknown) => assertError(await t.http.post('/api/auth/passkeys/login').send({ credential }), 401, 'INVALID_CREDENTIALS');
    await refused(answer); // replayed
    await refused(authenticator.authenticate(await passwordless(), { origin: 'https://evil.example' }));
    await refused(authenticator.authenticate(await passwordless(), { rpId: 'evil.example' }));
    await refused(authenticator.authenticate(await passwordless(), { userVerified: false }));
    await refused(new SoftAuthenticator(ORIGIN).authenticate(await passwordless())); // unknown credential
    await refused({ ...authenticator.authenticate(await passwordless()), id: 'a\u0000b' }); // not base64url: never reaches the database
    await refused(authenticator.clone(0).authenticate(await passwordless())); // a copy whose counter is behind the stored one
    // An expired challenge.
    const stale = await passwordless();
    await t.db.getRepository('WebAuthnChallengeEntity').update({ challenge: stale.challenge }, { expiresAt: new Date(Date.now() - 1000) });
    await refused(authenticator.authenticate(stale));
    // A challenge handed out for a step-up is no sign-in challenge.
    const stepUpOptions = await t.http.post('/api/auth/step-up/passkey/options').set(bearer(user));
    await refused(authenticator.authenticate(stepUpOptions.body));

    // The real authenticator still works, and the list shows its use.
    assert.equal((await t.http.post('/api/auth/passkeys/login').send({ credential: authenticator.authenticate(await passwordless()) })).status, 200);
    const listed = (await t.http.get(FACTORS).set(bearer(user))).body.passkeys.find((p: { id: string }) => p.id === body.passkey.id);
    assert.ok(listed.lastUsedAt);
  });

  it('names a synced passkey’s method swk and keeps its backup state', async () => {
    const user = await registerAndLogin(t);
    const { authenticator, body } = await addPasskey(user, new SoftAuthenticator(ORIGIN, { synced: true }));
    assert.equal(body.passkey.backedUp, true);
    const signedIn = await t.http.post('/api/auth/passkeys/login').send({ credential: authenticator.authenticate(await passwordless()) });
    assert.deepEqual(claimsOf(signedIn.body.accessToken).amr, ['swk', 'user']);
  });

  it('completes a password sign-in with a passkey; the challenge belongs to that sign-in', async () => {
    const user = await registerAndLogin(t);
    const { authenticator } = await addPasskey(user);
    const first = (await t.http.post('/api/auth/login').send({ email: user.email, password: user.password })).body;
    const second = (await t.http.post('/api/auth/login').send({ email: user.email, password: user.password })).body;
    const optionsFor = async (mfaToken: string) => (await t.http.post('/api/auth/login/mfa/passkey/options').send({ mfaToken })).body;

    const firstOptions = await optionsFor(first.mfaToken);
    assert.deepEqual(
      firstOptions.allowCredentials.map((c: { id: string }) => c.id),
      [authenticator.credentialId],
    );
    // Answering the first sign-in's challenge does not complete the second.
    assertError(
      await t.http.post('/api/auth/login/mfa/passkey').send({ mfaToken: second.mfaToken, credential: authenticator.authenticate(firstOptions) }),
      401,
      'INVALID_CREDENTIALS',
    );
    const done = await t.http
      .post('/api/auth/login/mfa/passkey')
      .send({ mfaToken: first.mfaToken, credential: authenticator.authenticate(await optionsFor(first.mfaToken)) });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(claimsOf(done.body.accessToken).amr, ['pwd', 'hwk', 'user', 'mfa']);
    assertError(await t.http.post('/api/auth/login/mfa/passkey/options').send({ mfaToken: first.mfaToken }), 401, 'MFA_TOKEN_INVALID');
    assertError(await t.http.post('/api/auth/login/mfa/passkey/options').send({ mfaToken: 'nope' }), 401, 'MFA_TOKEN_INVALID');
    // Another account's passkey answering this sign-in's challenge.
    const stranger = await registerAndLogin(t);
    const strangers = await addPasskey(stranger);
    assertError(
      await t.http
        .post('/api/auth/login/mfa/passkey')
        .send({ mfaToken: second.mfaToken, credential: strangers.authenticator.authenticate(await optionsFor(second.mfaToken)) }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('answers NO_PASSKEY to a sign-in whose account has only an authenticator app', async () => {
    const user = await registerAndLogin(t);
    const headers = await withStepUp(user);
    const started = await t.http.post(`${FACTORS}/totp`).set(headers);
    const code = new TOTP({ secret: Secret.fromBase32(started.body.secret) }).generate();
    assert.equal((await t.http.post(`${FACTORS}/totp/confirm`).set(bearer(user)).send({ code })).status, 200);
    const pending = (await t.http.post('/api/auth/login').send({ email: user.email, password: user.password })).body;
    assertError(await t.http.post('/api/auth/login/mfa/passkey/options').send({ mfaToken: pending.mfaToken }), 409, 'NO_PASSKEY');
    assertError(await t.http.post('/api/auth/step-up/passkey/options').set(bearer(user)), 409, 'NO_PASSKEY');
  });

  it('steps up with a user-verified passkey of this session, which then adds and removes factors', async () => {
    const user = await registerAndLogin(t);
    const { authenticator, body } = await addPasskey(user);
    const stepUpOptions = async (who: SignedIn) => (await t.http.post('/api/auth/step-up/passkey/options').set(bearer(who))).body;
    const first = await stepUpOptions(user);
    assert.equal(first.userVerification, 'required');
    // No user verification: refused; and that challenge is used up.
    assertError(
      await t.http
        .post('/api/auth/step-up/passkey')
        .set(bearer(user))
        .send({ credential: authenticator.authenticate(first, { userVerified: false }) }),
      401,
      'INVALID_CREDENTIALS',
    );
    // Another session's challenge.
    const otherSession = await t.http.post('/api/auth/passkeys/login').send({ credential: authenticator.authenticate(await passwordless()) });
    const foreign = await stepUpOptions({ ...user, accessToken: otherSession.body.accessToken });
    assertError(
      await t.http
        .post('/api/auth/step-up/passkey')
        .set(bearer(user))
        .send({ credential: authenticator.authenticate(foreign) }),
      401,
      'INVALID_CREDENTIALS',
    );

    const stepped = await t.http
      .post('/api/auth/step-up/passkey')
      .set(bearer(user))
      .send({ credential: authenticator.authenticate(await stepUpOptions(user)) });
    assert.equal(stepped.status, 200, JSON.stringify(stepped.body));
    assert.deepEqual(claimsOf(stepped.body.stepUpToken).amr, ['hwk', 'user']);
    const headers = { ...bearer(user), 'X-Step-Up-Token': stepped.body.stepUpToken };

    const renamed = await t.http.patch(`${FACTORS}/passkeys/${body.passkey.id}`).set(bearer(user)).send({ name: 'Phone' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Phone');
    assertError(await t.http.patch(`${FACTORS}/passkeys/${body.passkey.id}`).set(bearer(user)).send({ name: '   ' }), 400, 'VALIDATION_FAILED');
    assertError(await t.http.patch(`${FACTORS}/passkeys/not-a-uuid`).set(bearer(user)).send({ name: 'x' }), 404, 'NOT_FOUND');

    // Removing needs the step-up; the last factor takes the recovery codes with it.
    assertError(await t.http.delete(`${FACTORS}/passkeys/${body.passkey.id}`).set(bearer(user)), 401, 'STEP_UP_REQUIRED');
    const stranger = await registerAndLogin(t);
    assertError(await t.http.delete(`${FACTORS}/passkeys/${body.passkey.id}`).set(await withStepUp(stranger)), 404, 'NOT_FOUND');
    assert.equal((await t.http.delete(`${FACTORS}/passkeys/${body.passkey.id}`).set(headers)).status, 204);
    assert.deepEqual((await t.http.get(FACTORS).set(bearer(user))).body, { totp: null, passkeys: [], recoveryCodes: null });
    assertError(
      await t.http.post('/api/auth/passkeys/login').send({ credential: authenticator.authenticate(await passwordless()) }),
      401,
      'INVALID_CREDENTIALS',
    );
    const outbox = await t.db.getRepository('OutboxEventEntity').find({ where: { name: 'profile.factors_changed' } });
    const changes = outbox.map((row) => JSON.parse(String(row.payload)) as { userId: string; change: string }).filter((event) => event.userId === user.userId);
    assert.deepEqual(changes.map((event) => event.change).sort(), ['passkey_added', 'passkey_removed']);
    assert.ok(readOutbox(t.dataDir).some((m) => m.to.toLowerCase() === user.email.toLowerCase() && /A passkey was removed/.test(m.subject)));
  });

  it('keeps the recovery codes while another factor remains, and deletes every passkey and challenge with the account', async () => {
    const user = await registerAndLogin(t);
    const first = await addPasskey(user, undefined, 'One');
    const second = await addPasskey(user, undefined, 'Two', first.authenticator);
    assert.equal(second.body.recoveryCodes, null, 'codes only with the first factor');
    const stepUpWith = async (authenticator: SoftAuthenticator) => {
      const opts = (await t.http.post('/api/auth/step-up/passkey/options').set(bearer(user))).body;
      return (
        await t.http
          .post('/api/auth/step-up/passkey')
          .set(bearer(user))
          .send({ credential: authenticator.authenticate(opts) })
      ).body.stepUpToken as string;
    };
    assert.equal(
      (await t.http.delete(`${FACTORS}/passkeys/${first.body.passkey.id}`).set({ ...bearer(user), 'X-Step-Up-Token': await stepUpWith(second.authenticator) }))
        .status,
      204,
    );
    assert.equal((await t.http.get(FACTORS).set(bearer(user))).body.recoveryCodes.remaining, 10);
    await t.http.post('/api/auth/passkeys/options');
    await t.http.post('/api/auth/step-up/passkey/options').set(bearer(user));
    const count = async (table: string) => Number((await t.db.query(sql(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ?`), [user.userId]))[0].n);
    assert.equal(await count('passkeys'), 1);
    assert.ok((await count('webauthn_challenges')) > 0);
    assert.equal((await t.http.delete('/api/auth/users/me').set({ ...bearer(user), 'X-Step-Up-Token': await stepUpWith(second.authenticator) })).status, 204);
    for (const table of ['passkeys', 'webauthn_challenges', 'recovery_codes']) assert.equal(await count(table), 0, table);
  });
});
