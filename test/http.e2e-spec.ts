import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { type ChildService, startChildService } from './helpers/child-service';
import { assertError, registerAndLogin } from './helpers/factories';
import { type TestApp, linkToken, readOutbox, startTestApp } from './helpers/test-app';

describe('HTTP surface', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('answers unknown routes and wrong methods with NOT_FOUND in the error shape', async () => {
    assertError(await t.http.get('/api/nope'), 404, 'NOT_FOUND');
    assertError(await t.http.delete('/api/auth/login'), 404, 'NOT_FOUND');
  });

  it('keeps the keep-alive connection of a body-less request it refuses as the headers arrive', async () => {
    // Such an answer is decided before node:http marks the request complete; it has no body to drain.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const ask = () =>
        new Promise<{ status?: number; connection?: string; reused: boolean }>((resolve, reject) => {
          const outgoing = httpRequest(`${t.url}/api/nope`, { agent }, (response) => {
            response.resume();
            response.on('end', () => resolve({ status: response.statusCode, connection: response.headers.connection, reused: outgoing.reusedSocket }));
          });
          outgoing.on('error', reject);
          outgoing.end();
        });
      const first = await ask();
      const second = await ask();
      assert.deepEqual([first.status, second.status], [404, 404]);
      assert.equal(first.connection, 'keep-alive');
      assert.equal(second.reused, true, 'the second request went over the first one’s connection');
    } finally {
      agent.destroy();
    }
  });

  it('never answers a request hidden in the body of one it refuses, whoever refuses it', async () => {
    // The keep-alive shortcut above is for body-less requests only: a body left unread on the connection would be
    // read as the next request (request smuggling). With no content type the body reaches no parser.
    const hidden = 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const { hostname, port } = new URL(t.url);
    const exchange = (contentType: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write(`POST /api/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n${contentType}Content-Length: ${hidden.length}\r\n\r\n${hidden}`);
        });
        let received = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (received += chunk));
        socket.on('end', () => resolve(received));
        socket.on('error', reject);
        socket.setTimeout(5000, () => socket.destroy(new Error(`the connection stayed open after: ${received}`)));
      });
    for (const contentType of ['', 'Content-Type: application/json\r\n', 'Content-Type: text/plain\r\n']) {
      const raw = await exchange(contentType);
      const answers = raw.match(/^HTTP\/1\.1 \d{3}/gm) ?? [];
      assert.equal(answers.length, 1, raw);
      assert.match(answers[0], /^HTTP\/1\.1 4\d\d$/, raw);
      assert.match(raw, /^connection: close/im);
    }
  });

  it('answers router errors (a path parameter too long to be an id, an undecodable URL) in the error shape too', async () => {
    for (const response of [await t.http.delete(`/api/auth/users/me/sessions/${'a'.repeat(5000)}`), await t.http.get('/api/%E0%A4%A')]) {
      assertError(response, 404, 'NOT_FOUND');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('answers malformed JSON with MALFORMED_JSON', async () => {
    const response = await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send('{"email": ');
    assertError(response, 400, 'MALFORMED_JSON');
  });

  it('answers JSON bodies over 100 kB with PAYLOAD_TOO_LARGE', async () => {
    const response = await t.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(110 * 1024) }));
    assertError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers an unsupported content type with UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await t.http.post('/api/auth/login').set('Content-Type', 'application/xml').send('<a/>');
    assertError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a multipart body on a JSON route with UNSUPPORTED_MEDIA_TYPE and changes nothing', async () => {
    assertError(await t.http.post('/api/auth/login').field('email', 'a@b.c').field('password', 'x'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const user = await registerAndLogin(t);
    const update = await t.http.put('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`).field('displayName', 'Multipart');
    assertError(update, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const profile = await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`);
    assert.equal(profile.body.displayName, null);
  });

  it('echoes a sane X-Request-Id and replaces any other', async () => {
    const echoed = await t.http.get('/api/health').set('X-Request-Id', 'abc.DEF_1-2');
    assert.equal(echoed.headers['x-request-id'], 'abc.DEF_1-2');
    const replaced = await t.http.get('/api/nope').set('X-Request-Id', 'bad id <script>');
    assert.notEqual(replaced.headers['x-request-id'], 'bad id <script>');
    assert.match(replaced.headers['x-request-id'], /^[A-Za-z0-9._-]{1,128}$/);
    assert.equal(replaced.body.requestId, replaced.headers['x-request-id']);
  });

  it('sends nosniff, refuses framing and has no X-Powered-By, on success and error alike', async () => {
    for (const response of [await t.http.get('/api/health'), await t.http.get('/api/nope'), await t.http.get('/.well-known/jwks.json')]) {
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.equal(response.headers['x-powered-by'], undefined);
    }
  });

  it('keeps DATA_DIR to the service user: folders 0700, files 0600', () => {
    const mode = (path: string) => statSync(path).mode & 0o777;
    assert.equal(mode(t.dataDir), 0o700);
    assert.equal(mode(join(t.dataDir, 'keys')), 0o700);
    for (const name of readdirSync(t.dataDir).filter((file) => file.startsWith('profile.sqlite'))) assert.equal(mode(join(t.dataDir, name)), 0o600, name);
  });

  it('reports the database in /api/health', async () => {
    const response = await t.http.get('/api/health');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok', checks: { database: 'up' } });
  });

  it('serves the link pages self-contained, with a strict CSP, and without consuming anything', async () => {
    const page = await t.http.get('/verify-email?token=abc');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-security-policy'], /default-src 'none'/);
    assert.doesNotMatch(page.text, /<(script|link|img)[^>]+(src|href)=/i, 'no external assets');
  });

  it('serves Swagger UI and the OpenAPI document', async () => {
    const ui = await t.http.get('/api/docs/');
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger/i);
    const doc = await t.http.get('/api/docs-json');
    assert.equal(doc.status, 200);
    assert.ok(doc.body.paths['/api/auth/login']);
    assert.deepEqual(Object.keys(doc.body.components.securitySchemes).sort(), ['access-cookie', 'bearer', 'refresh-cookie', 'step-up']);
    // The served document names the server as configured (PUBLIC_URL), so "Try it out" calls this service.
    assert.equal(doc.body.servers.length, 1);
    assert.equal(doc.body.servers[0].url, process.env.PUBLIC_URL ?? 'http://localhost:3000');
    // Swagger UI sends what is authorized, never the session cookies a login through it has set.
    const init = await t.http.get('/api/docs/swagger-ui-init.js');
    assert.equal(init.status, 200);
    assert.match(init.text, /request\.credentials = 'omit'/);
  });
});

describe('CORS', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://app.example' });
  });
  after(() => t.close());

  it('allows the configured origins, with credentials, and no other', async () => {
    const allowed = await t.http.options('/api/auth/login').set('Origin', 'https://app.example').set('Access-Control-Request-Method', 'POST');
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
    const other = await t.http.options('/api/auth/login').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    assert.notEqual(other.headers['access-control-allow-origin'], 'https://evil.example');
  });

  it('lets an allowed front end call PUT, PATCH and DELETE with the contract headers; the preflight carries the usual headers', async () => {
    const preflight = await t.http
      .options('/api/auth/users/me')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'DELETE')
      .set('Access-Control-Request-Headers', 'authorization,content-type,x-step-up-token,x-request-id');
    assert.equal(preflight.status, 204);
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
      assert.match(preflight.headers['access-control-allow-methods'], new RegExp(`\\b${method}\\b`));
    for (const header of ['Authorization', 'Content-Type', 'X-Step-Up-Token', 'X-Request-Id'])
      assert.match(preflight.headers['access-control-allow-headers'], new RegExp(header, 'i'));
    assert.match(preflight.headers['x-request-id'], /^[A-Za-z0-9._-]+$/);
    assert.equal(preflight.headers['x-content-type-options'], 'nosniff');
    assert.equal(preflight.headers['x-frame-options'], 'DENY');
  });
});

describe('cross-site requests with cookie credentials', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://app.example', PUBLIC_URL: 'http://id.example' });
  });
  after(() => t.close());

  it('answers CROSS_SITE_REQUEST to a foreign Origin or Sec-Fetch-Site: cross-site, and changes nothing', async () => {
    const user = await registerAndLogin(t);
    const cookie = user.cookies.map((c) => c.split(';')[0]).join('; ');
    assertError(await t.http.post('/api/auth/logout').set('Cookie', cookie).set('Origin', 'https://evil.example'), 403, 'CROSS_SITE_REQUEST');
    assertError(
      await t.http.put('/api/auth/users/me').set('Cookie', cookie).set('Sec-Fetch-Site', 'cross-site').send({ displayName: 'Evil' }),
      403,
      'CROSS_SITE_REQUEST',
    );
    assertError(await t.http.post('/api/auth/refresh').set('Cookie', cookie).set('Origin', 'null'), 403, 'CROSS_SITE_REQUEST');
    const profile = await t.http.get('/api/auth/users/me').set('Cookie', cookie);
    assert.equal(profile.status, 200, 'the session is still alive');
    assert.equal(profile.body.displayName, null);
    // Own origins, no Origin at all, and the Authorization header alone are fine.
    assert.equal((await t.http.put('/api/auth/users/me').set('Cookie', cookie).set('Origin', 'https://app.example').send({ displayName: 'App' })).status, 200);
    assert.equal((await t.http.put('/api/auth/users/me').set('Cookie', cookie).set('Origin', 'http://id.example').send({ displayName: 'Self' })).status, 200);
    assert.equal((await t.http.put('/api/auth/users/me').set('Cookie', cookie).send({ displayName: 'Cli' })).status, 200);
    const bearer = await t.http
      .put('/api/auth/users/me')
      .set('Authorization', `Bearer ${user.accessToken}`)
      .set('Origin', 'https://evil.example')
      .send({ displayName: 'Bearer' });
    assert.equal(bearer.status, 200);
  });
});

describe('logs', () => {
  let instance: ChildService;
  const dataDir = mkdtempSync(join(tmpdir(), 'profile-logs-'));
  before(async () => {
    instance = await startChildService(4660, { LOG_LEVEL: 'debug', DATA_DIR: dataDir, BCRYPT_COST: '4' });
  });
  after(() => instance?.stop());

  it('never contain passwords, tokens or cookies, even at debug level', async () => {
    const password = 'Zq7!logSecretPw';
    const email = `logs-${Date.now()}@example.com`;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${instance.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    await post('/api/auth/register', { email, password });
    const { accessToken, refreshToken } = (await (await post('/api/auth/login', { email, password })).json()) as { accessToken: string; refreshToken: string };
    await fetch(`${instance.url}/api/auth/users/me`, { headers: { authorization: `Bearer ${accessToken}`, cookie: `refresh_token=${refreshToken}` } });
    await post('/api/auth/refresh', {}, { cookie: `refresh_token=${refreshToken}` });
    await post('/api/auth/login', { email, password: 'Wrong!pass1' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const output = instance.output();
    assert.match(output, /"path":"\/api\/auth\/users\/me"/, 'requests are logged at debug level');
    const mailed = readOutbox(dataDir);
    assert.ok(mailed.length > 0 && output.includes(mailed[0].file), 'the mail is logged with its file');
    const linkTokens = mailed.map((mail) => linkToken(mail));
    for (const secret of [password, accessToken, refreshToken, 'Wrong!pass1', ...linkTokens]) assert.ok(!output.includes(secret), 'a secret reached the log');
  });
});
