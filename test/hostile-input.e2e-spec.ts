import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { assertError, registerAndLogin, stepUp } from './helpers/factories';
import { routes } from './helpers/routes';
import { type TestApp, startTestApp } from './helpers/test-app';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** One request through node:http, which writes its whole body before it reads the answer (as axios and got do). */
function nodeRequest(port: number, method: string, path: string, headers: Record<string, string | number>, body: Buffer): Promise<RawAnswer | string> {
  return new Promise((resolve) => {
    const request = http.request(
      { host: '127.0.0.1', port, method, path, headers: { 'content-length': body.length, ...headers }, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        });
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    request.end(body);
  });
}

const deep = (levels: number, open: string, close: string, inner = '1') => open.repeat(levels) + inner + close.repeat(levels);

/** Hostile bodies every JSON route is fed: none may answer 5xx, every error has the contract's shape. */
const CORPUS: Array<{ name: string; type: string; body: string | Buffer }> = [
  { name: 'deeply nested object', type: 'application/json', body: deep(5000, '{"a":', '}') },
  { name: 'deeply nested array', type: 'application/json', body: deep(20000, '[', ']') },
  { name: 'huge numbers', type: 'application/json', body: '{"email":1e999,"password":-1e999,"token":123456789012345678901234567890,"limit":1e308}' },
  {
    name: 'wrong types',
    type: 'application/json',
    body: JSON.stringify({ email: 1, password: true, token: [], refreshToken: {}, newPassword: null, displayName: 5, username: [], redirect: 3, name: {} }),
  },
  { name: 'array', type: 'application/json', body: '[{"email":"a@b.co"}]' },
  { name: 'null', type: 'application/json', body: 'null' },
  { name: 'string', type: 'application/json', body: '"hello"' },
  { name: 'number', type: 'application/json', body: '42' },
  { name: '__proto__ key', type: 'application/json', body: '{"__proto__":{"admin":true}}' },
  { name: 'constructor key', type: 'application/json', body: '{"constructor":{"prototype":{"admin":true}}}' },
  { name: 'nested __proto__', type: 'application/json', body: '{"displayName":"x","a":{"__proto__":{}}}' },
  { name: 'invalid UTF-8', type: 'application/json', body: Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]) },
  { name: '100 kB strings', type: 'application/json', body: JSON.stringify({ email: 'a'.repeat(50_000), password: 'b'.repeat(50_000) }) },
  { name: 'malformed', type: 'application/json', body: '{"email": ' },
  { name: 'unknown fields', type: 'application/json', body: '{"zzz":1,"roles":["admin"],"id":"x"}' },
  { name: 'form', type: 'application/x-www-form-urlencoded', body: 'email=a%40b.co&password=x' },
  { name: 'text', type: 'text/plain', body: '{"email":"a@b.co"}' },
  { name: 'latin-1 JSON', type: 'application/json; charset=iso-8859-1', body: '{}' },
];

describe('hostile input', () => {
  let t: TestApp;
  let port: number;
  before(async () => {
    // Every route gets a fresh account: the corpus is not about the per-IP limit.
    t = await startTestApp({ AUTH_RATE_LIMIT_IP: '100000/15m' });
    port = Number(new URL(t.url).port);
  });
  after(() => t.close());

  it('refuses a deeply nested body with VALIDATION_FAILED, not a 500', async () => {
    const response = await t.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(deep(5000, '{"a":', '}'));
    assertError(response, 400, 'VALIDATION_FAILED');
  });

  it('answers forms and text with 415 before any handler: no login CSRF through an HTML form', async () => {
    const user = await registerAndLogin(t);
    const form = await t.http.post('/api/auth/login').type('form').send({ email: user.email, password: user.password });
    assertError(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(form.headers['set-cookie'], undefined);
    assertError(
      await t.http
        .post('/api/auth/login')
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ email: user.email, password: user.password })),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const put = await t.http.put('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`).type('form').send({ displayName: 'Form' });
    assertError(put, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const step = await t.http.post('/api/auth/step-up').set('Authorization', `Bearer ${user.accessToken}`).type('form').send({ password: user.password });
    assertError(step, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const profile = await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`);
    assert.equal(profile.body.displayName, null);
  });

  it('answers a JSON null (or any non-object) body with VALIDATION_FAILED: it is not "no body"', async () => {
    const user = await registerAndLogin(t);
    const bearer = `Bearer ${user.accessToken}`;
    for (const body of ['null', '[]', '"x"', '7', 'true']) {
      assertError(
        await t.http.post('/api/auth/logout').set('Authorization', bearer).set('Content-Type', 'application/json').send(body),
        400,
        'VALIDATION_FAILED',
      );
      assertError(
        await t.http.put('/api/auth/users/me').set('Authorization', bearer).set('Content-Type', 'application/json').send(body),
        400,
        'VALIDATION_FAILED',
      );
    }
    assert.equal((await t.http.get('/api/auth/users/me').set('Authorization', bearer)).status, 200, 'the session was not ended');
  });

  it('refuses __proto__ and constructor keys as unknown fields (VALIDATION_FAILED), at any depth', async () => {
    const user = await registerAndLogin(t);
    for (const body of ['{"__proto__":{}}', `{"email":"${user.email}","password":"${user.password}","constructor":{}}`, '{"a":{"b":{"prototype":1}}}']) {
      const response = await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send(body);
      assertError(response, 400, 'VALIDATION_FAILED');
      assert.ok(response.body.details, 'names the field');
    }
  });

  it('answers the QUERY method with NOT_FOUND, with or without a body', async () => {
    for (const path of ['/api/auth/users/me', '/api/auth/login', '/api/nope']) {
      const bare = await nodeRequest(port, 'QUERY', path, {}, Buffer.alloc(0));
      assert.ok(typeof bare !== 'string');
      assert.equal(bare.status, 404);
      assert.equal(bare.body.code, 'NOT_FOUND');
      const withBody = await nodeRequest(port, 'QUERY', path, { 'content-type': 'application/json' }, Buffer.from('{}'));
      assert.ok(typeof withBody !== 'string');
      assert.equal(withBody.status, 404);
    }
  });

  it('answers a long string sent as a refresh token with REFRESH_TOKEN_INVALID, and a long password with the policy', async () => {
    const user = await registerAndLogin(t);
    const stepUpToken = await stepUp(t, user);
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: stepUpToken }), 401, 'REFRESH_TOKEN_INVALID');
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: 'r'.repeat(5000) }), 401, 'REFRESH_TOKEN_INVALID');
    const long = 'aA1!'.repeat(300);
    const register = await t.http.post('/api/auth/register').send({ email: `long-${Date.now()}@example.com`, password: long });
    assertError(register, 422, 'PASSWORD_POLICY_VIOLATION');
    assert.deepEqual((register.body.details as { reasons: string[] }).reasons, ['too_long']);
    const change = await t.http
      .put('/api/auth/users/me/password')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .set('X-Step-Up-Token', stepUpToken)
      .send({ newPassword: long });
    assertError(change, 422, 'PASSWORD_POLICY_VIOLATION');
    assertError(await t.http.post('/api/auth/login').send({ email: user.email, password: user.password + 'x'.repeat(2000) }), 401, 'INVALID_CREDENTIALS');
    assertError(await t.http.post('/api/auth/email/verify').send({ token: 't'.repeat(3000) }), 400, 'EMAIL_TOKEN_INVALID');
  });

  it('lets a node:http client read the 413 of an oversized body instead of failing with EPIPE', async () => {
    const user = await registerAndLogin(t);
    const body = Buffer.alloc(2 * 1024 * 1024, 'a');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` };
    const answers = await Promise.all(Array.from({ length: 20 }, () => nodeRequest(port, 'PUT', '/api/auth/users/me', headers, body)));
    assert.deepEqual(
      answers.map((answer) => (typeof answer === 'string' ? answer : answer.status)),
      Array.from({ length: 20 }, () => 413),
    );
    for (const answer of answers) if (typeof answer !== 'string') assert.equal(answer.body.code, 'PAYLOAD_TOO_LARGE');
  });

  it('lets a node:http client read the 413 of an oversized avatar, declared or streamed', async () => {
    const user = await registerAndLogin(t);
    const boundary = 'hostileboundary';
    const file = Buffer.alloc(7 * 1024 * 1024, 0xff);
    const multipart = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${user.accessToken}` };
    const declared = await nodeRequest(port, 'PUT', '/api/auth/users/me/avatar', headers, multipart);
    assert.ok(typeof declared !== 'string', `client failed: ${declared as string}`);
    assert.equal(declared.status, 413);
    // Streamed without a Content-Length: the limit is found while reading.
    const streamed = await new Promise<number | string>((resolve) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/api/auth/users/me/avatar', headers, agent: false }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      for (let offset = 0; offset < multipart.length; offset += 256 * 1024) request.write(multipart.subarray(offset, offset + 256 * 1024));
      request.end();
    });
    assert.equal(streamed, 413);
  });

  it('never answers 5xx to the hostile corpus on any route, and every error has the contract shape', async () => {
    const targets = routes(t).filter((route) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method));
    assert.ok(targets.length >= 15, `found ${targets.length} routes`);
    const failures: string[] = [];
    for (const route of targets) {
      // A fresh account per route: a corpus body must not change what the next route sees (logout, deletion).
      const user = await registerAndLogin(t);
      const stepUpToken = await stepUp(t, user);
      for (const sample of CORPUS) {
        const response = await t.http[route.method.toLowerCase() as 'post'](route.path)
          .set('Authorization', `Bearer ${user.accessToken}`)
          .set('X-Step-Up-Token', stepUpToken)
          .set('Content-Type', sample.type)
          .send(sample.body);
        const where = `${route.method} ${route.path} with ${sample.name}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
        if (response.status >= 500) failures.push(where);
        else if (response.status >= 400) {
          try {
            assertError(response, response.status, String(response.body.code));
          } catch {
            failures.push(`${where} (not the error shape)`);
          }
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});
