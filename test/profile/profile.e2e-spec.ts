import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { type SignedIn, assertError, registerAndLogin, uniqueUsername } from '../helpers/factories';
import { type TestApp, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';

describe('GET and PUT /api/auth/users/me', () => {
  let t: TestApp;
  let user: SignedIn;
  const events: unknown[] = [];
  before(async () => {
    t = await startTestApp();
    t.app.get(EventEmitter2).on('profile.updated', (payload: unknown) => events.push(payload));
    user = await registerAndLogin(t);
  });
  after(() => t.close());

  const put = (body: unknown, who: SignedIn = user) =>
    t.http
      .put(ME)
      .set('Authorization', `Bearer ${who.accessToken}`)
      .send(body as object);

  it('returns the profile with every field of the contract and no secret', async () => {
    const response = await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`);
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body).sort(), [
      'avatar',
      'bio',
      'createdAt',
      'deletionScheduled',
      'displayName',
      'email',
      'emailVerified',
      'id',
      'identityProviders',
      'locale',
      'passwordBreached',
      'pendingEmail',
      'timezone',
      'updatedAt',
      'username',
    ]);
    assert.equal(response.body.locale, 'en');
    assert.equal(response.body.timezone, 'UTC');
    assert.equal(response.body.emailVerified, false);
    assert.equal(response.body.pendingEmail, null);
    assert.equal(response.body.avatar, null);
    assert.match(response.body.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.doesNotMatch(JSON.stringify(response.body), /passwordHash|\$2b\$/);
  });

  it('changes only the fields sent, canonicalises locale and time zone, and emits profile.updated', async () => {
    const username = uniqueUsername('Ada');
    const response = await put({
      username: username.toUpperCase(),
      displayName: '  Ada Lovelace ',
      bio: 'Counting\nengines.',
      locale: 'en-gb',
      timezone: 'europe/london',
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.username, username.toLowerCase());
    assert.equal(response.body.displayName, 'Ada Lovelace');
    assert.equal(response.body.bio, 'Counting\nengines.');
    assert.equal(response.body.locale, 'en-GB');
    assert.equal(response.body.timezone, 'Europe/London');
    const unchanged = await put({ bio: 'Poet.' });
    assert.equal(unchanged.body.displayName, 'Ada Lovelace');
    assert.deepEqual((events.at(-1) as { changed: string[] }).changed, ['bio']);
    assert.deepEqual((events.at(-2) as { changed: string[] }).changed.sort(), ['bio', 'displayName', 'locale', 'timezone', 'username']);
  });

  it('clears username, displayName and bio with null, but not locale or timezone', async () => {
    const cleared = await put({ username: null, displayName: null, bio: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.username, null);
    assert.equal(cleared.body.displayName, null);
    assert.equal(cleared.body.bio, null);
    const refused = await put({ locale: null, timezone: null });
    assertError(refused, 400, 'VALIDATION_FAILED');
    assert.deepEqual(Object.keys((refused.body.details as { fields: object }).fields).sort(), ['locale', 'timezone']);
  });

  it('refuses invalid values with the field rules', async () => {
    const response = await put({ username: 'a', displayName: '', bio: 'x'.repeat(281), locale: 'en_US', timezone: 'Mars/Olympus' });
    assertError(response, 400, 'VALIDATION_FAILED');
    assert.deepEqual(Object.keys((response.body.details as { fields: object }).fields).sort(), ['bio', 'displayName', 'locale', 'timezone', 'username']);
    assertError(await put({ displayName: 'bad\u0007bell' }), 400, 'VALIDATION_FAILED');
    assertError(await put({ displayName: '\u202Egnp.exe' }), 400, 'VALIDATION_FAILED');
    assertError(await put({ displayName: 'x'.repeat(65) }), 400, 'VALIDATION_FAILED');
    assert.equal((await put({ displayName: '😀'.repeat(64) })).status, 200, '64 code points are fine');
  });

  it('refuses mass assignment and changes nothing', async () => {
    const before = (await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`)).body;
    for (const field of ['email', 'password', 'id', 'roles', 'emailVerified', 'avatar', 'createdAt', 'passwordHash']) {
      const response = await put({ displayName: 'Sneaky', [field]: field === 'emailVerified' ? true : 'x' });
      assertError(response, 400, 'VALIDATION_FAILED');
      assert.ok((response.body.details as { fields: Record<string, unknown> }).fields[field], field);
    }
    const after = (await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`)).body;
    assert.deepEqual(after, before);
  });

  it('answers 409 USERNAME_TAKEN for another user’s username (any case) and for reserved names', async () => {
    const other = await registerAndLogin(t);
    const username = uniqueUsername('taken');
    assert.equal((await put({ username }, other)).status, 200);
    assertError(await put({ username: username.toUpperCase() }), 409, 'USERNAME_TAKEN');
    assertError(await put({ username: 'root' }), 409, 'USERNAME_TAKEN');
    assert.equal((await put({ username }, other)).status, 200, 'keeping one’s own username is fine');
  });

  it('lets exactly one of two concurrent claims of a username win', async () => {
    const [a, b] = await Promise.all([registerAndLogin(t), registerAndLogin(t)]);
    const username = uniqueUsername('race');
    const results = await Promise.all([put({ username }, a), put({ username }, b)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    assert.equal(results.find((r) => r.status === 409)?.body.code, 'USERNAME_TAKEN');
  });
});
