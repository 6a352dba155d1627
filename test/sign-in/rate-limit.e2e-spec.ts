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

describe('rate limits that hold', () => {
  let t: TestApp;
  before(async () => {
    // TRUST_PROXY lets the test choose each request's client address through X-Forwarded-For.
    t = await startTestApp({ AUTH_RATE_LIMIT_ACCOUNT: '10/15m', AUTH_RATE_LIMIT_IP: '30/15m', TRUST_PROXY: 'true' });
  });
  after(() => t.close());

  it('counts parallel wrong passwords before comparing them: 40 at once against a limit of 10 pass 10', async () => {
    const { email } = await registerUser(t);
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () => t.http.post('/api/auth/login').set('X-Forwarded-For', '198.51.100.7').send({ email, password: OTHER_STRONG_PASSWORD })),
    ).then((responses) => responses.map((response) => response.status));
    assert.equal(statuses.filter((status) => status === 401).length, 10, statuses.join(' '));
    assert.equal(statuses.filter((status) => status === 429).length, 30);
  });

  it('keys IPv6 clients by their /64, whatever the spelling, and unmaps IPv4 in any case', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const address = i % 2 === 0 ? `2001:0DB8:0:7::${(i + 1).toString(16)}` : `2001:db8:0:7:${i.toString(16)}::1`;
      statuses.push((await t.http.post('/api/auth/refresh').set('X-Forwarded-For', address).send({ refreshToken: 'x' })).status);
    }
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(401));
    assert.equal(statuses[30], 429, 'the 31st request from one /64 is refused');
    assert.equal(
      (await t.http.post('/api/auth/refresh').set('X-Forwarded-For', '2001:db8:0:8::1').send({ refreshToken: 'x' })).status,
      401,
      'another /64 is not',
    );
    for (let i = 0; i < 30; i++) await t.http.post('/api/auth/refresh').set('X-Forwarded-For', '192.0.2.9').send({ refreshToken: 'x' });
    assertError(await t.http.post('/api/auth/refresh').set('X-Forwarded-For', '::FFFF:192.0.2.9').send({ refreshToken: 'x' }), 429, 'TOO_MANY_REQUESTS');
  });
});
