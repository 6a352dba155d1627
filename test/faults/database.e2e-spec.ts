import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STRONG_PASSWORD, assertError, registerAndLogin, uniqueEmail } from '../helpers/factories';
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy';
import { type TestApp, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';
const DATABASE_URL = process.env.DATABASE_URL;
const skip = DATABASE_URL ? false : 'the database outage runs against PostgreSQL over TCP (DATABASE_URL; CI runs it in its PostgreSQL pass)';
if (skip) console.log(`# skipping: ${skip}`);

async function until<T>(attempt: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('PostgreSQL gone mid-traffic, then back', { skip, timeout: 60_000 }, () => {
  let proxy: TcpProxy;
  let t: TestApp;
  before(async () => {
    const url = new URL(DATABASE_URL!);
    proxy = await startTcpProxy(Number(url.port || 5432), url.hostname);
    url.host = proxy.address;
    t = await startTestApp({ DATABASE_URL: url.toString() });
  });
  after(async () => {
    await proxy.restore();
    await t.close();
    await proxy.close();
  });

  it('answers 503 within 5 s while it is away, and the same process serves again when it is back', async () => {
    const user = await registerAndLogin(t);
    const bearer = `Bearer ${user.accessToken}`;
    const traffic = Array.from({ length: 10 }, () => t.http.get(ME).set('Authorization', bearer));
    await proxy.cut();
    const during = await Promise.all(traffic);
    for (const response of during) assert.ok([200, 503].includes(response.status), `in flight: ${response.status}`);

    const started = Date.now();
    const read = await t.http.get(ME).set('Authorization', bearer);
    assertError(read, 503, 'SERVICE_UNAVAILABLE');
    assert.ok(Date.now() - started < 5000, `answered after ${Date.now() - started} ms`);
    assert.ok(Number(read.headers['retry-after']) > 0);
    assertError(await t.http.put(ME).set('Authorization', bearer).send({ displayName: 'During the outage' }), 503, 'SERVICE_UNAVAILABLE');
    const lost = uniqueEmail('outage');
    assertError(await t.http.post('/api/auth/register').send({ email: lost, password: STRONG_PASSWORD }), 503, 'SERVICE_UNAVAILABLE');
    assertError(await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }), 503, 'SERVICE_UNAVAILABLE');
    const health = await t.http.get('/api/health');
    assertError(health, 503, 'SERVICE_UNAVAILABLE');
    assert.deepEqual((health.body.details as { checks: unknown }).checks, { database: 'down' });

    const outageEnded = Date.now();
    await proxy.restore();
    const back = await until(
      () => t.http.get(ME).set('Authorization', bearer),
      (response) => response.status === 200,
      10_000,
    );
    assert.equal(back.status, 200, `not back: ${JSON.stringify(back.body)}`);
    console.log(`# database back: served again ${Date.now() - outageEnded} ms after the proxy returned`);
    assert.equal((await t.http.get('/api/health')).status, 200);
    assert.equal(back.body.displayName, null, 'the refused update left nothing behind');
    const db = t.db;
    assert.deepEqual(await db.query('SELECT id FROM users WHERE email_normalized = $1', [lost.toLowerCase()]), [], 'no half-registered account');
    const update = await t.http.put(ME).set('Authorization', bearer).send({ displayName: 'After' });
    assert.equal(update.status, 200);
  });
});
