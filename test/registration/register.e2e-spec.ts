import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STRONG_PASSWORD, assertError, registerUser, uniqueEmail, uniqueUsername } from '../helpers/factories';
import { type TestApp, linkToken, readOutbox, startTestApp } from '../helpers/test-app';

describe('POST /api/auth/register', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('creates the account, answers { success: true } and mails a verification link', async () => {
    const email = uniqueEmail('new');
    const response = await t.http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD, username: uniqueUsername(), displayName: ' Ada ' });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body, { success: true });
    const mail = readOutbox(t.dataDir).find((m) => m.to.toLowerCase() === email.toLowerCase());
    assert.ok(mail, 'verification mail written to the outbox');
    assert.match(mail.subject, /Verify/);
    assert.ok(!mail.raw.includes(STRONG_PASSWORD), 'no password in mail');
  });

  it('answers the same for an address already registered, and mails its owner instead', async () => {
    const { email } = await registerUser(t);
    const before = readOutbox(t.dataDir).length;
    const again = await t.http.post('/api/auth/register').send({ email: email.toUpperCase(), password: STRONG_PASSWORD });
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, { success: true });
    const mails = readOutbox(t.dataDir).slice(before);
    assert.equal(mails.length, 1);
    assert.match(mails[0].subject, /tried to register/);
    assert.ok(!/token=/.test(mails[0].raw), 'the owner gets a notice, not a token');
  });

  it('refuses unknown fields with VALIDATION_FAILED and details.fields', async () => {
    const response = await t.http.post('/api/auth/register').send({ email: uniqueEmail(), password: STRONG_PASSWORD, roles: ['admin'] });
    assertError(response, 400, 'VALIDATION_FAILED');
    const fields = (response.body.details as { fields: Record<string, string[]> }).fields;
    assert.ok(fields.roles);
  });

  it('refuses a malformed email and a bad username', async () => {
    const response = await t.http.post('/api/auth/register').send({ email: 'not-an-email', password: STRONG_PASSWORD, username: '-x' });
    assertError(response, 400, 'VALIDATION_FAILED');
    const fields = (response.body.details as { fields: Record<string, string[]> }).fields;
    assert.ok(fields.email && fields.username);
  });

  it('answers 409 USERNAME_TAKEN for a taken (case-insensitive) or reserved username', async () => {
    const username = uniqueUsername();
    await registerUser(t, { username });
    assertError(
      await t.http.post('/api/auth/register').send({ email: uniqueEmail(), password: STRONG_PASSWORD, username: username.toUpperCase() }),
      409,
      'USERNAME_TAKEN',
    );
    assertError(await t.http.post('/api/auth/register').send({ email: uniqueEmail(), password: STRONG_PASSWORD, username: 'Admin' }), 409, 'USERNAME_TAKEN');
  });

  it('answers 422 PASSWORD_POLICY_VIOLATION with every reason', async () => {
    const cases: Array<[string, string[]]> = [
      ['qzxvk', ['too_short']],
      ['Password1!', ['too_short', 'common']],
      ['Dragon4242424242!', ['common']],
      ['Password123456789!', ['common']],
      [`Aa1!${'é'.repeat(40)}`, ['too_long']],
    ];
    for (const [password, reasons] of cases) {
      const response = await t.http.post('/api/auth/register').send({ email: uniqueEmail(), password });
      assertError(response, 422, 'PASSWORD_POLICY_VIOLATION');
      assert.deepEqual((response.body.details as { reasons: string[] }).reasons, reasons, password);
    }
  });

  it('refuses a password containing the email local part or the username', async () => {
    const response = await t.http.post('/api/auth/register').send({ email: 'grace.hopper@example.com', password: 'Xx!9grace.hopperZ' });
    assertError(response, 422, 'PASSWORD_POLICY_VIOLATION');
    assert.deepEqual((response.body.details as { reasons: string[] }).reasons, ['contains_user_info']);
  });

  it('verifies the address with the mailed token, once', async () => {
    const { email } = await registerUser(t);
    const mail = readOutbox(t.dataDir).find((m) => m.to.toLowerCase() === email.toLowerCase());
    assert.ok(mail);
    const token = linkToken(mail);
    const page = await t.http.get(`/verify-email?token=${token}`);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /text\/html/);
    const verified = await t.http.post('/api/auth/email/verify').send({ token });
    assert.equal(verified.status, 200, 'the GET page consumed nothing');
    assert.equal(verified.body.emailVerified, true);
    assertError(await t.http.post('/api/auth/email/verify').send({ token }), 400, 'EMAIL_TOKEN_INVALID');
    assertError(await t.http.post('/api/auth/email/verify').send({ token: 'x'.repeat(43) }), 400, 'EMAIL_TOKEN_INVALID');
  });
});
