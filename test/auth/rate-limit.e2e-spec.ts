import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { OTHER_STRONG_PASSWORD, assertError, registerUser } from '../helpers/factories';
import { type TestApp, startTestApp } from '../helpers/test-app';

describe('rate limits', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_ACCOUNT: '3/2s', AUTH_RATE_LIMIT_IP: '12/3s' });
  });
  after(() => t.close());

  it('limits failed logins per account and IP; even the right password gets 429; it recovers after the window', async () => {
    const { email, password } = await registerUser(t);
    for (let i = 0; i < 3; i++) assertError(await t.http.post('/api/auth/login').send({ email, password: OTHER_STRONG_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    const limited = await t.http.post('/api/auth/login').send({ email, password });
    assertError(limited, 429, 'TOO_MANY_REQUESTS');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 2, `Retry-After ${limited.headers['retry-after']}`);
    await sleep(3100);
    assert.equal((await t.http.post('/api/auth/login').send({ email, password })).status, 200);
  });

  it('limits all credential requests from one IP together', async () => {
    await sleep(3100);
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await t.http.post('/api/auth/refresh').send({ refreshToken: 'x' })).status);
    assert.deepEqual(statuses.slice(0, 12), Array(12).fill(401));
    const limited = await t.http.post('/api/auth/login').send({ email: 'a@example.com', password: 'whatever' });
    assertError(limited, 429, 'TOO_MANY_REQUESTS');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    // The HTML pages do not count, and other routes stay open.
    assert.equal((await t.http.get('/verify-email?token=x')).status, 200);
    assert.equal((await t.http.get('/api/health')).status, 200);
  });
});
