import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { registerAndLogin } from '../helpers/factories';
import { type TestApp, startTestApp } from '../helpers/test-app';

const pem = (type: 'ec' | 'ed25519') =>
  (type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')).privateKey
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();

describe('signing keys from JWT_PRIVATE_KEYS (shared by every instance, rotated by appending)', () => {
  let t: TestApp;
  before(async () => {
    // The old key first, the new (signing) one last; newlines escaped as a single-line variable would carry them.
    t = await startTestApp({ JWT_PRIVATE_KEYS: [pem('ec'), pem('ed25519')].join('\n').replace(/\n/g, '\\n') });
  });
  after(() => t.close());

  it('publishes both keys, signs with the last one, and tokens verify with the JWKS alone', async () => {
    const jwks = (await t.http.get('/.well-known/jwks.json')).body as { keys: Array<{ kid: string; alg: string }> };
    assert.deepEqual(jwks.keys.map((key) => key.alg).sort(), ['ES256', 'EdDSA']);
    const user = await registerAndLogin(t);
    const header = decodeProtectedHeader(user.accessToken);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.kid, jwks.keys.find((key) => key.alg === 'EdDSA')?.kid);
    const { payload } = await jwtVerify(user.accessToken, createLocalJWKSet(jwks as never), { typ: 'at+jwt', audience: 'profile-service' });
    assert.equal(payload.sub, user.userId);
    assert.equal((await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`)).status, 200);
  });
});
