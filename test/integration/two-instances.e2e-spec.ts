import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OTHER_STRONG_PASSWORD, registerAndLogin } from '../helpers/factories';
import { type ChildService, startChildService } from '../helpers/child-service';
import { type TestApp, startTestApp } from '../helpers/test-app';

const redisSkip = process.env.REDIS_URL ? false : 'REDIS_URL is not set (shared rate-limit counters need Redis)';
if (redisSkip) console.log(`# skipping the shared rate-limit test: ${redisSkip}`);

describe('two instances sharing one database (and one Redis)', () => {
  let a: TestApp;
  let b: ChildService;
  before(async () => {
    // One public address (hence one JWT issuer) behind the load balancer.
    const shared = { PUBLIC_URL: 'http://localhost:3000', AUTH_RATE_LIMIT_ACCOUNT: '3/1m', REDIS_KEY_PREFIX: `two-instances-${Date.now()}:` };
    a = await startTestApp(shared);
    // Same DATA_DIR (so the same signing keys and, on SQLite, the same database file) and the same settings.
    b = await startChildService(4650, { ...shared, DATA_DIR: a.dataDir, BCRYPT_COST: '4' });
  });
  after(async () => {
    await b?.stop();
    await a?.close();
  });

  it('refuses on instance B a session revoked through instance A, on the very next request', async () => {
    const user = await registerAndLogin(a);
    const onB = () => fetch(`${b.url}/api/auth/users/me`, { headers: { authorization: `Bearer ${user.accessToken}` } });
    assert.equal((await onB()).status, 200);
    assert.equal((await a.http.post('/api/auth/logout').set('Authorization', `Bearer ${user.accessToken}`)).status, 204);
    const refused = await onB();
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { code: string }).code, 'SESSION_REVOKED');
  });

  it('counts failed logins across both instances', { skip: redisSkip }, async () => {
    const user = await registerAndLogin(a);
    const wrong = JSON.stringify({ email: user.email, password: OTHER_STRONG_PASSWORD });
    assert.equal((await a.http.post('/api/auth/login').set('Content-Type', 'application/json').send(wrong)).status, 401);
    assert.equal((await a.http.post('/api/auth/login').set('Content-Type', 'application/json').send(wrong)).status, 401);
    const third = await fetch(`${b.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: wrong });
    assert.equal(third.status, 401);
    const limited = await a.http.post('/api/auth/login').send({ email: user.email, password: user.password });
    assert.equal(limited.status, 429, 'the fourth attempt is refused even with the right password');
  });
});
