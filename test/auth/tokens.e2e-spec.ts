import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { assertError, registerAndLogin, stepUp, type SignedIn } from '../helpers/factories';
import { forgeFrom, otherKey, unsignedFrom } from '../helpers/forge';
import { type TestApp, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';

describe('access tokens', () => {
  let t: TestApp;
  let user: SignedIn;
  before(async () => {
    t = await startTestApp();
    user = await registerAndLogin(t);
  });
  after(() => t.close());

  const bearer = (token: string) => t.http.get(ME).set('Authorization', `Bearer ${token}`);

  it('is accepted from the Authorization header and from the access_token cookie', async () => {
    assert.equal((await bearer(user.accessToken)).status, 200);
    const viaCookie = await t.http.get(ME).set('Cookie', `access_token=${user.accessToken}`);
    assert.equal(viaCookie.status, 200);
    assert.equal(viaCookie.body.id, user.userId);
  });

  it('prefers the header over the cookie, and never falls back from a malformed header', async () => {
    const other = await registerAndLogin(t);
    const both = await t.http.get(ME).set('Authorization', `Bearer ${other.accessToken}`).set('Cookie', `access_token=${user.accessToken}`);
    assert.equal(both.body.id, other.userId);
    assertError(await t.http.get(ME).set('Authorization', 'Basic abc').set('Cookie', `access_token=${user.accessToken}`), 401, 'ACCESS_TOKEN_INVALID');
  });

  it('is never read from the query string', async () => {
    assertError(await t.http.get(`${ME}?access_token=${user.accessToken}`), 401, 'AUTHENTICATION_REQUIRED');
  });

  it('answers AUTHENTICATION_REQUIRED without any token', async () => {
    assertError(await t.http.get(ME), 401, 'AUTHENTICATION_REQUIRED');
  });

  it('refuses a token signed with another key, with alg none, or garbage', async () => {
    assertError(await bearer(await forgeFrom(user.accessToken, t.dataDir, { key: otherKey() })), 401, 'ACCESS_TOKEN_INVALID');
    assertError(await bearer(await forgeFrom(user.accessToken, t.dataDir, { key: otherKey(), kid: 'other' })), 401, 'ACCESS_TOKEN_INVALID');
    assertError(await bearer(unsignedFrom(user.accessToken)), 401, 'ACCESS_TOKEN_INVALID');
    assertError(await bearer('not.a.jwt'), 401, 'ACCESS_TOKEN_INVALID');
  });

  it('refuses a wrong audience, issuer or type, and reports expiry', async () => {
    assertError(await bearer(await forgeFrom(user.accessToken, t.dataDir, { aud: 'another-service' })), 401, 'ACCESS_TOKEN_INVALID');
    assertError(await bearer(await forgeFrom(user.accessToken, t.dataDir, { iss: 'https://evil.example' })), 401, 'ACCESS_TOKEN_INVALID');
    assertError(await bearer(await forgeFrom(user.accessToken, t.dataDir, { typ: 'JWT' })), 401, 'ACCESS_TOKEN_INVALID');
    const expired = await forgeFrom(user.accessToken, t.dataDir, { exp: Math.floor(Date.now() / 1000) - 10 });
    assertError(await bearer(expired), 401, 'ACCESS_TOKEN_EXPIRED');
  });

  it('does not take a step-up token or a refresh token for an access token', async () => {
    const stepUpToken = await stepUp(t, user);
    assertError(await bearer(stepUpToken), 401, 'ACCESS_TOKEN_INVALID');
    assertError(await bearer(user.refreshToken), 401, 'ACCESS_TOKEN_INVALID');
  });

  it('fails with SESSION_REVOKED once its session has ended, though it was accepted a moment before', async () => {
    const other = await registerAndLogin(t);
    assert.equal((await bearer(other.accessToken)).status, 200);
    assert.equal((await t.http.post('/api/auth/logout').set('Authorization', `Bearer ${other.accessToken}`)).status, 204);
    assertError(await bearer(other.accessToken), 401, 'SESSION_REVOKED');
  });

  it('reports expiry of a token it accepted until then (a verified token is remembered, never past its exp)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = await forgeFrom(user.accessToken, t.dataDir, { exp });
    assert.equal((await bearer(shortLived)).status, 200);
    assert.equal((await bearer(shortLived)).status, 200);
    // One character of the remembered token's signature changed is another token, verified afresh.
    const last = shortLived.at(-2) === 'A' ? 'B' : 'A';
    assertError(await bearer(`${shortLived.slice(0, -2)}${last}${shortLived.slice(-1)}`), 401, 'ACCESS_TOKEN_INVALID');
    while (Date.now() < exp * 1000) await new Promise((resolve) => setTimeout(resolve, 100));
    assertError(await bearer(shortLived), 401, 'ACCESS_TOKEN_EXPIRED');
  });

  it('verifies in another process with jose and the published JWKS alone', async () => {
    const jwks = await t.http.get('/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    for (const key of jwks.body.keys) {
      assert.equal(key.d, undefined, 'no private part published');
      assert.ok(key.kid && key.alg);
    }
    const { payload, protectedHeader } = await jwtVerify(user.accessToken, createLocalJWKSet(jwks.body), {
      typ: 'at+jwt',
      audience: 'profile-service',
      issuer: 'http://localhost:3000',
    });
    assert.equal(payload.sub, user.userId);
    assert.ok(payload.sid && payload.jti && payload.iat && payload.exp);
    assert.ok(protectedHeader.kid);
  });
});
