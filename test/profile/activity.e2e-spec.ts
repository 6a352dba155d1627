import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { SessionEntity } from '../../src/auth/sessions/session.entity';
import { SecurityEventEntity } from '../../src/users/security-event.entity';
import { OTHER_STRONG_PASSWORD, assertError, login, registerAndLogin, stepUp } from '../helpers/factories';
import { type TestApp, startTestApp } from '../helpers/test-app';

const EVENTS = '/api/auth/users/me/security-events';

describe('my security log (GET /api/auth/users/me/security-events)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('lists my own events newest first, in pages, with failed sign-ins and step-ups among them', async () => {
    const user = await registerAndLogin(t);
    const stranger = await registerAndLogin(t);
    assertError(await t.http.post('/api/auth/login').send({ email: user.email, password: OTHER_STRONG_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    await stepUp(t, user);
    assertError(
      await t.http.post('/api/auth/step-up').set('Authorization', `Bearer ${user.accessToken}`).send({ password: OTHER_STRONG_PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
    const second = await login(t, user.email, user.password);
    assert.equal((await t.http.delete('/api/auth/users/me/sessions').set('Authorization', `Bearer ${second.accessToken}`)).status, 204);

    const seen: Array<{ id: string; type: string; at: string; ip: string | null; userAgent: string | null; details: object }> = [];
    let before: string | null | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const response = await t.http
        .get(EVENTS)
        .query(before ? { limit: 2, before } : { limit: 2 })
        .set('Authorization', `Bearer ${second.accessToken}`);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.ok(response.body.items.length <= 2);
      seen.push(...response.body.items);
      before = response.body.next;
      if (!before) break;
    }
    assert.deepEqual(
      seen.map((event) => event.type),
      ['sessions_revoked', 'login', 'step_up_failed', 'step_up', 'login_failed', 'login'],
    );
    assert.equal(new Set(seen.map((event) => event.id)).size, seen.length, 'no event twice across pages');
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].at >= seen[i].at, 'newest first');
    for (const event of seen) {
      assert.deepEqual(Object.keys(event).sort(), ['at', 'details', 'id', 'ip', 'type', 'userAgent']);
      assert.equal(event.ip, '127.0.0.1');
    }
    const mine = await t.http.get(EVENTS).set('Authorization', `Bearer ${stranger.accessToken}`);
    assert.deepEqual(
      mine.body.items.map((event: { type: string }) => event.type),
      ['login'],
      'only the caller’s own events',
    );
    assert.equal(mine.body.next, null);
  });

  it('pages through events that share their time, each once, in order (the cursor settles ties by id)', async () => {
    const user = await registerAndLogin(t);
    const at = new Date(Date.now() - 60_000);
    const tied = Array.from({ length: 7 }, () => ({
      id: randomUUID(),
      userId: user.userId,
      type: 'profile_updated' as const,
      ip: null,
      userAgent: null,
      details: null,
      createdAt: at,
    }));
    await t.db.getRepository(SecurityEventEntity).insert(tied);
    const seen: string[] = [];
    let before: string | null | undefined;
    do {
      const response = await t.http
        .get(EVENTS)
        .query(before ? { limit: 3, before } : { limit: 3 })
        .set('Authorization', `Bearer ${user.accessToken}`);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      seen.push(...(response.body.items as Array<{ id: string }>).map((event) => event.id));
      before = response.body.next as string | null;
    } while (before);
    // Newest first: the sign-in, then the seven tied events by id, descending, then the registration's.
    const tiedIds: string[] = tied
      .map((event) => event.id)
      .sort()
      .reverse();
    assert.deepEqual(
      seen.filter((id) => tiedIds.includes(id)),
      tiedIds,
    );
    assert.equal(new Set(seen).size, seen.length, 'no event twice');
  });

  it('refuses a bad limit or cursor with VALIDATION_FAILED', async () => {
    const user = await registerAndLogin(t);
    const bearer = `Bearer ${user.accessToken}`;
    for (const query of [
      { limit: 0 },
      { limit: 101 },
      { limit: 'ten' },
      { before: 'not a cursor!' },
      { before: Buffer.from('yesterday|x').toString('base64url') },
    ]) {
      assertError(await t.http.get(EVENTS).query(query).set('Authorization', bearer), 400, 'VALIDATION_FAILED');
    }
    const page = await t.http.get(EVENTS).set('Authorization', bearer);
    assert.equal(page.status, 200);
    assert.equal(page.body.items.length, 1, 'default limit 20, one event so far');
  });
});

describe('a session’s lastUsedAt', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('moves when the session is used, at most once a minute', async () => {
    const user = await registerAndLogin(t);
    const bearer = `Bearer ${user.accessToken}`;
    const lastUsed = async () =>
      ((await t.http.get('/api/auth/users/me/sessions').set('Authorization', bearer)).body as Array<{ current: boolean; lastUsedAt: string }>).find(
        (s) => s.current,
      )!.lastUsedAt;
    const sessions = t.db.getRepository(SessionEntity);
    const longAgo = new Date(Date.now() - 5 * 60_000);
    await sessions.update({ userId: user.userId }, { lastUsedAt: longAgo });
    await t.http.get('/api/auth/users/me').set('Authorization', bearer);
    let moved = '';
    for (let i = 0; i < 50 && !moved; i++) {
      const at = (await sessions.findOneByOrFail({ userId: user.userId })).lastUsedAt;
      if (at.getTime() > longAgo.getTime()) moved = at.toISOString();
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(moved, 'lastUsedAt moved after a request');
    for (let i = 0; i < 5; i++) await t.http.get('/api/auth/users/me').set('Authorization', bearer);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await sessions.findOneByOrFail({ userId: user.userId })).lastUsedAt.toISOString(), moved, 'not again within the minute');
    assert.equal(await lastUsed(), moved);
  });
});
