import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  OTHER_STRONG_PASSWORD,
  STRONG_PASSWORD,
  assertError,
  cookieNamed,
  login,
  registerAndLogin,
  registerUser,
  setCookies,
  uniqueEmail,
} from '../helpers/factories';
import { type TestApp, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';

describe('login, refresh and logout', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('logs in case-insensitively, with tokens in the body and in HttpOnly SameSite=Strict cookies', async () => {
    const { email } = await registerUser(t);
    const response = await t.http.post('/api/auth/login').send({ email: `  ${email.toUpperCase()} `, password: STRONG_PASSWORD });
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body).sort(), ['accessToken', 'expiresIn', 'refreshToken', 'tokenType', 'user']);
    assert.equal(response.body.tokenType, 'Bearer');
    assert.equal(response.body.expiresIn, 900);
    assert.equal(response.body.user.email, email.replace(/@.*/, '@example.com'));
    assert.deepEqual(
      response.body.user.identityProviders.map((p: { provider: string }) => p.provider),
      ['password'],
    );
    const cookies = setCookies(response.headers);
    const access = cookieNamed(cookies, 'access_token');
    const refresh = cookieNamed(cookies, 'refresh_token');
    assert.ok(access && refresh);
    for (const cookie of [access, refresh]) {
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Strict/);
      assert.match(cookie, /; Path=\//);
      assert.doesNotMatch(cookie, /; Secure/, 'COOKIE_SECURE defaults to false outside production');
    }
    assert.match(access, /Max-Age=900/);
    assert.match(refresh, /Max-Age=2592000/);
    assert.ok(!JSON.stringify(response.body).includes('$2b$'), 'no password hash in the response');
  });

  it('gives the same 401 for a wrong password and an unknown email', async () => {
    const { email } = await registerUser(t);
    const wrong = await t.http.post('/api/auth/login').send({ email, password: OTHER_STRONG_PASSWORD });
    const unknown = await t.http.post('/api/auth/login').send({ email: uniqueEmail('nobody'), password: OTHER_STRONG_PASSWORD });
    assertError(wrong, 401, 'INVALID_CREDENTIALS');
    assertError(unknown, 401, 'INVALID_CREDENTIALS');
    assert.deepEqual({ ...wrong.body, requestId: '' }, { ...unknown.body, requestId: '' });
  });

  it('rotates the refresh token; the old one is then reuse and ends the session', async () => {
    const user = await registerAndLogin(t);
    const first = await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken });
    assert.equal(first.status, 200);
    assert.notEqual(first.body.refreshToken, user.refreshToken);
    assert.equal((await t.http.get(ME).set('Authorization', `Bearer ${first.body.accessToken}`)).status, 200);

    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken }), 401, 'REFRESH_TOKEN_REUSED');
    assertError(await t.http.get(ME).set('Authorization', `Bearer ${first.body.accessToken}`), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: first.body.refreshToken }), 401, 'REFRESH_TOKEN_INVALID');
  });

  it('ends the session when any token of its past chain comes back, not only the last one rotated out', async () => {
    const user = await registerAndLogin(t);
    const second = (await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken })).body as { refreshToken: string };
    const third = (await t.http.post('/api/auth/refresh').send({ refreshToken: second.refreshToken })).body as { refreshToken: string; accessToken: string };
    assert.ok(third.refreshToken);
    // The attacker replays T1 after T1 -> T2 -> T3: the owner's T3 must stop working too.
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken }), 401, 'REFRESH_TOKEN_REUSED');
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: third.refreshToken }), 401, 'REFRESH_TOKEN_INVALID');
    assertError(await t.http.get(ME).set('Authorization', `Bearer ${third.accessToken}`), 401, 'SESSION_REVOKED');
  });

  it('takes the refresh token from the cookie too', async () => {
    const user = await registerAndLogin(t);
    const response = await t.http.post('/api/auth/refresh').set('Cookie', `refresh_token=${user.refreshToken}`).send({});
    assert.equal(response.status, 200);
    assert.ok(cookieNamed(setCookies(response.headers), 'refresh_token')?.includes(response.body.refreshToken));
  });

  it('answers REFRESH_TOKEN_INVALID for an unknown or missing token', async () => {
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: 'nope' }), 401, 'REFRESH_TOKEN_INVALID');
    assertError(await t.http.post('/api/auth/refresh').send({}), 401, 'REFRESH_TOKEN_INVALID');
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: null }), 401, 'REFRESH_TOKEN_INVALID');
    assert.equal((await t.http.post('/api/auth/logout').send({ refreshToken: null })).status, 204);
  });

  it('never leaves two live token chains when refreshes race with one token', async () => {
    const user = await registerAndLogin(t);
    const results = await Promise.all(Array.from({ length: 5 }, () => t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken })));
    const winners = results.filter((r) => r.status === 200);
    assert.ok(winners.length <= 1, `${winners.length} refreshes succeeded`);
    for (const loser of results.filter((r) => r.status !== 200)) assert.ok(['REFRESH_TOKEN_REUSED', 'REFRESH_TOKEN_INVALID'].includes(loser.body.code));
    const live = [];
    for (const winner of winners) {
      const next = await t.http.post('/api/auth/refresh').send({ refreshToken: winner.body.refreshToken });
      if (next.status === 200) live.push(next);
    }
    assert.ok(live.length <= 1);
  });

  it('logs out with the access token: 204, the session ends, the three cookies are cleared', async () => {
    const user = await registerAndLogin(t);
    const response = await t.http.post('/api/auth/logout').set('Authorization', `Bearer ${user.accessToken}`);
    assert.equal(response.status, 204);
    const cookies = setCookies(response.headers);
    for (const name of ['access_token', 'refresh_token', 'step_up_token']) {
      const cookie = cookieNamed(cookies, name);
      assert.ok(cookie, `${name} cleared`);
      assert.match(cookie, /Max-Age=0/);
      assert.match(cookie, /; Path=\//);
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Strict/);
    }
    assertError(await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken }), 401, 'REFRESH_TOKEN_INVALID');
  });

  it('logs out with only the refresh token (body or cookie), and answers 204 with nothing at all', async () => {
    const user = await registerAndLogin(t);
    assert.equal((await t.http.post('/api/auth/logout').send({ refreshToken: user.refreshToken })).status, 204);
    assertError(await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`), 401, 'SESSION_REVOKED');
    const other = await registerAndLogin(t);
    assert.equal((await t.http.post('/api/auth/logout').set('Cookie', `refresh_token=${other.refreshToken}`)).status, 204);
    assertError(await t.http.get(ME).set('Authorization', `Bearer ${other.accessToken}`), 401, 'SESSION_REVOKED');
    assert.equal((await t.http.post('/api/auth/logout')).status, 204);
  });

  it('keeps other sessions alive when one logs out', async () => {
    const user = await registerAndLogin(t);
    const second = await login(t, user.email, user.password);
    await t.http.post('/api/auth/logout').set('Authorization', `Bearer ${user.accessToken}`);
    assert.equal((await t.http.get(ME).set('Authorization', `Bearer ${second.accessToken}`)).status, 200);
  });
});

describe('sessions have an absolute lifetime (SESSION_MAX_AGE)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ SESSION_MAX_AGE: '3s', REFRESH_TOKEN_TTL: '30d' });
  });
  after(() => t.close());

  it('never extends a session past it, however often it is refreshed', async () => {
    const user = await registerAndLogin(t);
    let refreshToken = user.refreshToken;
    const cookieAges: number[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken });
      assert.equal(refreshed.status, 200);
      refreshToken = refreshed.body.refreshToken;
      cookieAges.push(Number(/Max-Age=(\d+)/.exec(cookieNamed(setCookies(refreshed.headers), 'refresh_token') ?? '')?.[1]));
    }
    assert.ok(
      cookieAges.every((age) => age <= 3),
      `refresh cookie ages ${cookieAges.join(', ')}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken }), 401, 'REFRESH_TOKEN_INVALID');
  });
});

describe('step-up', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('issues a step-up token and cookie for the right password', async () => {
    const user = await registerAndLogin(t);
    const response = await t.http.post('/api/auth/step-up').set('Authorization', `Bearer ${user.accessToken}`).send({ password: user.password });
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body).sort(), ['expiresIn', 'stepUpToken']);
    assert.equal(response.body.expiresIn, 300);
    const cookie = cookieNamed(setCookies(response.headers), 'step_up_token');
    assert.ok(cookie);
    assert.match(cookie, /Max-Age=300/);
    assert.match(cookie, /HttpOnly/);
  });

  it('answers INVALID_CREDENTIALS for a wrong password and AUTHENTICATION_REQUIRED without an access token', async () => {
    const user = await registerAndLogin(t);
    assertError(
      await t.http.post('/api/auth/step-up').set('Authorization', `Bearer ${user.accessToken}`).send({ password: OTHER_STRONG_PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
    assertError(await t.http.post('/api/auth/step-up').send({ password: user.password }), 401, 'AUTHENTICATION_REQUIRED');
  });
});
