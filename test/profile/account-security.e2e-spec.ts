import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  OTHER_STRONG_PASSWORD,
  STRONG_PASSWORD,
  assertError,
  cookieNamed,
  login,
  registerAndLogin,
  setCookies,
  stepUp,
  uniqueUsername,
} from '../helpers/factories';
import { type TestApp, readOutbox, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';

describe('password change and account deletion (step-up)', () => {
  let t: TestApp;
  const events: Array<[string, unknown]> = [];
  before(async () => {
    t = await startTestApp();
    const emitter = t.app.get(EventEmitter2);
    for (const name of ['profile.password_changed', 'user.deleted']) emitter.on(name, (payload: unknown) => events.push([name, payload]));
  });
  after(() => t.close());

  it('needs a step-up token of the same user and session', async () => {
    const user = await registerAndLogin(t);
    const otherSession = await login(t, user.email, user.password);
    const otherUser = await registerAndLogin(t);
    const foreignSessionToken = await stepUp(t, otherSession);
    const foreignUserToken = await stepUp(t, otherUser);
    for (const token of [foreignSessionToken, foreignUserToken, user.accessToken, 'garbage']) {
      const response = await t.http
        .put(`${ME}/password`)
        .set('Authorization', `Bearer ${user.accessToken}`)
        .set('X-Step-Up-Token', token)
        .send({ newPassword: OTHER_STRONG_PASSWORD });
      assertError(response, 401, 'STEP_UP_REQUIRED');
      assert.match(response.headers['www-authenticate'], /insufficient_user_authentication/);
    }
    assertError(await t.http.put(`${ME}/password`).send({ newPassword: OTHER_STRONG_PASSWORD }), 401, 'AUTHENTICATION_REQUIRED');
  });

  it('accepts the step-up token from the header or the cookie', async () => {
    const user = await registerAndLogin(t);
    const token = await stepUp(t, user);
    const response = await t.http
      .put(`${ME}/password`)
      .set('Authorization', `Bearer ${user.accessToken}`)
      .set('Cookie', `step_up_token=${token}`)
      .send({ newPassword: OTHER_STRONG_PASSWORD });
    assert.equal(response.status, 204);
  });

  it('reports every policy violation at once, including same_as_current', async () => {
    const user = await registerAndLogin(t, { username: uniqueUsername('pw') });
    const token = await stepUp(t, user);
    const change = (newPassword: string) =>
      t.http.put(`${ME}/password`).set('Authorization', `Bearer ${user.accessToken}`).set('X-Step-Up-Token', token).send({ newPassword });
    const weak = await change('abc123');
    assertError(weak, 422, 'PASSWORD_POLICY_VIOLATION');
    assert.deepEqual((weak.body.details as { reasons: string[] }).reasons, ['too_short', 'common']);
    const same = await change(STRONG_PASSWORD);
    assert.deepEqual((same.body.details as { reasons: string[] }).reasons, ['same_as_current']);
  });

  it('changes the password, ends every other session at once, keeps this one, and mails the owner', async () => {
    const user = await registerAndLogin(t);
    const other = await login(t, user.email, user.password);
    const token = await stepUp(t, user);
    const mailsBefore = readOutbox(t.dataDir).length;
    const response = await t.http
      .put(`${ME}/password`)
      .set('Authorization', `Bearer ${user.accessToken}`)
      .set('X-Step-Up-Token', token)
      .send({ newPassword: OTHER_STRONG_PASSWORD });
    assert.equal(response.status, 204);
    assert.equal((await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`)).status, 200);
    assertError(await t.http.get(ME).set('Authorization', `Bearer ${other.accessToken}`), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: other.refreshToken }), 401, 'REFRESH_TOKEN_INVALID');
    assertError(await t.http.post('/api/auth/login').send({ email: user.email, password: STRONG_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    assert.equal((await t.http.post('/api/auth/login').send({ email: user.email, password: OTHER_STRONG_PASSWORD })).status, 200);
    const mail = readOutbox(t.dataDir)
      .slice(mailsBefore)
      .find((m) => /password was changed/.test(m.subject));
    assert.ok(mail);
    assert.ok(!mail.raw.includes(OTHER_STRONG_PASSWORD));
    assert.ok(events.some(([name, payload]) => name === 'profile.password_changed' && (payload as { userId: string }).userId === user.userId));
  });

  it('deletes the account: every row gone, every token dead, cookies cleared, the address and username free again', async () => {
    const username = uniqueUsername('bye');
    const user = await registerAndLogin(t, { username });
    const other = await login(t, user.email, user.password);
    const token = await stepUp(t, user);
    const response = await t.http.delete(ME).set('Authorization', `Bearer ${user.accessToken}`).set('X-Step-Up-Token', token);
    assert.equal(response.status, 204);
    for (const name of ['access_token', 'refresh_token', 'step_up_token']) {
      const cookie = cookieNamed(setCookies(response.headers), name);
      assert.ok(cookie && /Max-Age=0/.test(cookie) && /Path=\//.test(cookie) && /HttpOnly/.test(cookie) && /SameSite=Strict/.test(cookie), name);
    }
    assertError(await t.http.get(ME).set('Authorization', `Bearer ${user.accessToken}`), 401, 'SESSION_REVOKED');
    assertError(await t.http.get(ME).set('Authorization', `Bearer ${other.accessToken}`), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: user.refreshToken }), 401, 'REFRESH_TOKEN_INVALID');
    assertError(await t.http.delete(ME).set('Authorization', `Bearer ${user.accessToken}`).set('X-Step-Up-Token', token), 401, 'SESSION_REVOKED');

    const db = t.db;
    for (const table of ['users', 'sessions', 'email_tokens', 'security_events']) {
      const column = table === 'users' ? 'id' : 'user_id';
      const [{ count }] = await db.query(
        `SELECT COUNT(*) AS count FROM ${table} WHERE ${column} = $1`.replace('$1', db.options.type === 'postgres' ? '$1' : '?'),
        [user.userId],
      );
      assert.equal(Number(count), 0, `${table} rows left`);
    }
    assert.ok(readOutbox(t.dataDir).some((m) => m.to.toLowerCase() === user.email.toLowerCase() && /deleted/.test(m.subject)));
    assert.ok(events.some(([name, payload]) => name === 'user.deleted' && (payload as { userId: string }).userId === user.userId));

    const again = await t.http.post('/api/auth/register').send({ email: user.email, password: STRONG_PASSWORD, username });
    assert.equal(again.status, 201);
    assert.equal((await login(t, user.email, STRONG_PASSWORD)).userId === user.userId, false);
  });
});

describe('sessions', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('lists live sessions newest first, marking the current one', async () => {
    const user = await registerAndLogin(t);
    const second = await login(t, user.email, user.password);
    await t.http.post('/api/auth/logout').set('Authorization', `Bearer ${user.accessToken}`);
    const third = await login(t, user.email, user.password);
    const response = await t.http.get(`${ME}/sessions`).set('Authorization', `Bearer ${second.accessToken}`).set('User-Agent', 'ignored-for-listing');
    assert.equal(response.status, 200);
    assert.equal(response.body.length, 2, 'the logged-out session is not listed');
    assert.deepEqual(Object.keys(response.body[0]).sort(), ['createdAt', 'current', 'id', 'ip', 'lastUsedAt', 'userAgent']);
    assert.deepEqual(
      response.body.map((s: { current: boolean }) => s.current),
      [false, true],
    );
    assert.equal(response.body[0].ip, '127.0.0.1', 'IPv4-mapped IPv6 shown as IPv4');
    assert.ok(third);
  });

  it('revokes one session (its tokens fail at once) and answers 404 for another user’s session', async () => {
    const user = await registerAndLogin(t);
    const second = await login(t, user.email, user.password);
    const stranger = await registerAndLogin(t);
    const list = (await t.http.get(`${ME}/sessions`).set('Authorization', `Bearer ${user.accessToken}`)).body as Array<{ id: string; current: boolean }>;
    const secondId = list.find((s) => !s.current)?.id as string;
    assertError(await t.http.delete(`${ME}/sessions/${secondId}`).set('Authorization', `Bearer ${stranger.accessToken}`), 404, 'NOT_FOUND');
    assert.equal((await t.http.get(ME).set('Authorization', `Bearer ${second.accessToken}`)).status, 200, 'untouched by the stranger');
    assertError(await t.http.delete(`${ME}/sessions/not-a-uuid`).set('Authorization', `Bearer ${user.accessToken}`), 404, 'NOT_FOUND');
    assert.equal((await t.http.delete(`${ME}/sessions/${secondId}`).set('Authorization', `Bearer ${user.accessToken}`)).status, 204);
    assertError(await t.http.get(ME).set('Authorization', `Bearer ${second.accessToken}`), 401, 'SESSION_REVOKED');
    assertError(await t.http.post('/api/auth/refresh').send({ refreshToken: second.refreshToken }), 401, 'REFRESH_TOKEN_INVALID');
  });

  it('revokes every session but the current one', async () => {
    const user = await registerAndLogin(t);
    const others = [await login(t, user.email, user.password), await login(t, user.email, user.password)];
    assert.equal((await t.http.delete(`${ME}/sessions`).set('Authorization', `Bearer ${user.accessToken}`)).status, 204);
    for (const other of others) assertError(await t.http.get(ME).set('Authorization', `Bearer ${other.accessToken}`), 401, 'SESSION_REVOKED');
    const list = (await t.http.get(`${ME}/sessions`).set('Authorization', `Bearer ${user.accessToken}`)).body as unknown[];
    assert.equal(list.length, 1);
  });
});

describe('security log', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('writes a row for every change, with ip and user agent and no secret', async () => {
    const user = await registerAndLogin(t);
    const token = await stepUp(t, user);
    await t.http.put(ME).set('Authorization', `Bearer ${user.accessToken}`).set('User-Agent', 'test-agent/1.0').send({ bio: 'hi' });
    await t.http
      .put(`${ME}/password`)
      .set('Authorization', `Bearer ${user.accessToken}`)
      .set('X-Step-Up-Token', token)
      .send({ newPassword: OTHER_STRONG_PASSWORD });
    await t.http.delete(`${ME}/sessions`).set('Authorization', `Bearer ${user.accessToken}`);
    await t.http.post('/api/auth/logout').set('Authorization', `Bearer ${user.accessToken}`);
    const db = t.db;
    const placeholder = db.options.type === 'postgres' ? '$1' : '?';
    const rows: Array<Record<string, unknown>> = await db.query(`SELECT * FROM security_events WHERE user_id = ${placeholder} ORDER BY created_at`, [
      user.userId,
    ]);
    assert.deepEqual(
      rows.map((row) => row.type),
      ['login', 'step_up', 'profile_updated', 'password_changed', 'sessions_revoked', 'logout'],
    );
    assert.equal(rows.find((row) => row.type === 'profile_updated')?.user_agent, 'test-agent/1.0');
    assert.ok(rows.every((row) => row.ip === '127.0.0.1'));
    assert.doesNotMatch(JSON.stringify(rows), new RegExp(`${OTHER_STRONG_PASSWORD.replace(/[$]/g, '\\$')}|\\$2b\\$|eyJ`));
  });
});
