import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as bcrypt from 'bcrypt';
import { assertError, login, registerUser, stepUp, uniqueEmail } from '../helpers/factories';
import { type TestApp, readOutbox, startTestApp } from '../helpers/test-app';

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

/**
 * A Pwned Passwords range server of the test's own: answers `GET /range/<5 hex>` with `SUFFIX:COUNT` lines for the
 * breached passwords it was given, plus padding lines (count 0), as the real API does with `Add-Padding: true`.
 */
class RangeServer {
  readonly requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  mode: 'up' | 'down' | 'slow' = 'up';
  private readonly breached = new Map<string, number>();
  private server?: Server;
  url = '';

  breach(password: string, count: number): void {
    this.breached.set(sha1(password), count);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests.push({ path: request.url ?? '', headers: request.headers });
      if (this.mode === 'down') return void response.writeHead(503).end();
      const prefix = (request.url ?? '').replace('/range/', '').toUpperCase();
      const lines = [...this.breached].filter(([hash]) => hash.startsWith(prefix)).map(([hash, count]) => `${hash.slice(5)}:${count}`);
      for (let i = 0; i < 20; i++) lines.push(`${createHash('sha1').update(`pad${i}${prefix}`).digest('hex').toUpperCase().slice(5)}:0`);
      const answer = () => response.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
      if (this.mode === 'slow') setTimeout(answer, 2500);
      else answer();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/range/`;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

describe('passwords as NIST SP 800-63B-4 asks', () => {
  const range = new RangeServer();
  let t: TestApp;
  const placeholder = (index: number) => (t.db.options.type === 'postgres' ? `$${index}` : '?');

  before(async () => {
    await range.start();
    t = await startTestApp({ PWNED_PASSWORDS_URL: range.url });
  });
  after(async () => {
    await range.close();
    await t.close();
  });

  it('refuses a breached password with `breached` and its count, sending only the first five hex of its SHA-1, padded', async () => {
    const password = 'purple monkey dishwasher 42';
    range.breach(password, 12345);
    range.requests.length = 0;
    const response = await t.http.post('/api/auth/register').send({ email: uniqueEmail(), password });
    assertError(response, 422, 'PASSWORD_POLICY_VIOLATION');
    assert.deepEqual(response.body.details.reasons, ['breached']);
    assert.equal(response.body.details.breachCount, 12345);
    assert.equal(range.requests.length, 1);
    assert.equal(range.requests[0].path, `/range/${sha1(password).slice(0, 5)}`);
    assert.equal(range.requests[0].headers['add-padding'], 'true');
    assert.ok(!JSON.stringify(range.requests).includes(sha1(password).slice(5)), 'the rest of the hash never leaves');
  });

  it('takes a passphrase the corpus does not know, without composition rules, and asks about a range once a day', async () => {
    range.requests.length = 0;
    await registerUser(t, { password: 'lantern orchard velvet compass' });
    await registerUser(t, { password: 'lantern orchard velvet compass' });
    assert.equal(range.requests.length, 1, 'the second registration used the cached range');
    assertError(await t.http.post('/api/auth/register').send({ email: uniqueEmail(), password: 'Tr0ub4dor&3x' }), 422, 'PASSWORD_POLICY_VIOLATION');
  });

  it('does not refuse a password for an outage of the range API (down or slow); the bundled list still decides', async () => {
    for (const mode of ['down', 'slow'] as const) {
      range.mode = mode;
      await registerUser(t, { password: `granite meadow ${mode} whistle river` });
      const common = await t.http.post('/api/auth/register').send({ email: uniqueEmail(), password: 'Password123456789!' });
      assertError(common, 422, 'PASSWORD_POLICY_VIOLATION');
      assert.deepEqual(common.body.details.reasons, ['common']);
    }
    range.mode = 'up';
  });

  it('a password set before the check signs in, then shows passwordBreached with one mail and one event; a change clears it', async () => {
    const password = 'copper kettle winter sparrow';
    range.mode = 'down';
    const { email } = await registerUser(t, { password });
    range.mode = 'up';
    range.breach(password, 77);
    const first = await login(t, email, password);
    const me = async () => (await t.http.get('/api/auth/users/me').set('Authorization', `Bearer ${first.accessToken}`)).body as { passwordBreached: boolean };
    for (let i = 0; i < 50 && !(await me()).passwordBreached; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await me()).passwordBreached, true);
    await login(t, email, password);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const mails = readOutbox(t.dataDir).filter((mail) => mail.to.toLowerCase() === email.toLowerCase() && /Change your .* password/.test(mail.subject));
    assert.equal(mails.length, 1, 'one mail, however many sign-ins');
    assert.match(mails[0].raw, /77 times/);
    const events = (await t.http.get('/api/auth/users/me/security-events').set('Authorization', `Bearer ${first.accessToken}`)).body.items as Array<{
      type: string;
    }>;
    assert.equal(events.filter((event) => event.type === 'password_breached_detected').length, 1);
    const stepUpToken = await stepUp(t, first);
    const changed = await t.http
      .put('/api/auth/users/me/password')
      .set('Authorization', `Bearer ${first.accessToken}`)
      .set('X-Step-Up-Token', stepUpToken)
      .send({ newPassword: 'a fresh passphrase nobody leaked' });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    assert.equal((await me()).passwordBreached, false);
  });

  it('normalises with NFKC: composed, decomposed and full-width forms of one password are the same password', async () => {
    const { email } = await registerUser(t, { password: 'Cafe\u0301 noir sous la pluie ＡＢＣ' });
    await login(t, email, 'Café noir sous la pluie ABC');
    await login(t, email, 'Café noir sous la pluie ＡＢＣ');
    const greek = await registerUser(t, { password: 'Καλημέρα κόσμε από εδώ' });
    await login(t, greek.email, 'Καλημε\u0301ρα κο\u0301σμε απο\u0301 εδω\u0301');
    const japanese = await registerUser(t, { password: 'ﾊﾟｽﾜｰﾄﾞは長い文章でも大丈夫です' });
    await login(t, japanese.email, 'パスワードは長い文章でも大丈夫です');
  });

  it('an account whose hash predates normalisation still signs in, and its hash is replaced by the normalised one', async () => {
    const typed = 'Ｑｕｉｅｔ ｌａｎｔｅｒｎ ｆｏｒｅｓｔ ｐａｔｈ';
    const { email } = await registerUser(t);
    const legacy = await bcrypt.hash(typed, 4);
    await t.db.query(`UPDATE users SET password_hash = ${placeholder(1)} WHERE email_normalized = ${placeholder(2)}`, [legacy, email.toLowerCase()]);
    await login(t, email, typed);
    let replaced = false;
    for (let i = 0; i < 50 && !replaced; i++) {
      const [row] = await t.db.query<Array<{ password_hash: string }>>(`SELECT password_hash FROM users WHERE email_normalized = ${placeholder(1)}`, [
        email.toLowerCase(),
      ]);
      replaced = row.password_hash !== legacy;
      if (!replaced) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(replaced, 'rehashed at the sign-in');
    await login(t, email, 'Quiet lantern forest path');
    await login(t, email, typed);
  });

  it('POST /api/auth/password/check: the same rules and a score, with no account', async () => {
    const strong = await t.http.post('/api/auth/password/check').send({ password: 'lantern orchard velvet compass' });
    assert.equal(strong.status, 200);
    assert.equal(strong.body.ok, true);
    assert.deepEqual(strong.body.reasons, []);
    assert.ok(strong.body.score >= 3, `score ${strong.body.score}`);
    const weak = await t.http.post('/api/auth/password/check').send({ password: 'password' });
    assert.equal(weak.body.ok, false);
    assert.deepEqual(weak.body.reasons, ['too_short', 'common']);
    assert.equal(weak.body.score, 0);
    range.breach('purple monkey dishwasher 42', 12345);
    assert.deepEqual((await t.http.post('/api/auth/password/check').send({ password: 'purple monkey dishwasher 42' })).body.reasons, ['breached']);
    const own = await t.http.post('/api/auth/password/check').send({ password: 'grace.hopper sails at dawn', email: 'grace.hopper@example.com' });
    assert.deepEqual(own.body.reasons, ['contains_user_info']);
    assertError(await t.http.post('/api/auth/password/check').send({ password: 'x', extra: 1 }), 400, 'VALIDATION_FAILED');
  });
});
