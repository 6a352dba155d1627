import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type ChildService, startChildService } from '../helpers/child-service';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';
import { type Consumer, NATS_URL, natsUnavailable, startConsumer } from '../helpers/nats';
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy';
import { freePort } from '../helpers/test-app';

const ME = '/api/auth/users/me';

/**
 * The transactional outbox under SIGKILL (the real main.ts, on SQLite or on the PostgreSQL of DATABASE_URL): a
 * change and its event commit together, so a process killed after the commit and before the publish delivers
 * the event after a restart, and a change that did not commit never produces one.
 */
async function main(): Promise<void> {
  const skip = await natsUnavailable();
  if (skip) console.log(`# skipping the outbox kill test: ${skip}`);

  describe('the process killed between a change’s commit and its event’s publish', { skip: skip ?? false, timeout: 180_000 }, () => {
    let proxy: TcpProxy;
    let consumer: Consumer;
    let service: ChildService | undefined;
    let port: number;
    const env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-outbox-kill-')),
      BCRYPT_COST: '4',
      AUTH_RATE_LIMIT_IP: '100000/15m',
      BROKER_RETRY_MS: '200',
      // A claim left by the killed process lapses quickly (the default is 30 s).
      OUTBOX_CLAIM_TTL: '1s',
      BROKER_URL: '',
    };
    const call = async (path: string, method = 'GET', body?: unknown, token?: string) => {
      const response = await fetch(`${service!.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
    };
    const signedUp = async () => {
      const email = uniqueEmail('outbox-kill');
      assert.equal((await call('/api/auth/register', 'POST', { email, password: STRONG_PASSWORD })).status, 201);
      const { body } = await call('/api/auth/login', 'POST', { email, password: STRONG_PASSWORD });
      return { token: body.accessToken as string, userId: (body.user as { id: string }).id };
    };
    const kill = async () => {
      await service!.kill();
      service = undefined;
    };
    /** The distinct events (by eventId: delivery is at-least-once, a consumer de-duplicates) about the user. */
    const eventsOf = (userId: string) => [
      ...new Set(consumer.received.filter((event) => event.subject === 'profile.updated' && event.data.userId === userId).map((event) => event.data.eventId)),
    ];

    before(async () => {
      consumer = await startConsumer(['profile.updated']);
      proxy = await startTcpProxy(Number(new URL(NATS_URL).port), new URL(NATS_URL).hostname);
      env.BROKER_URL = `nats://${proxy.address}`;
      port = await freePort();
    });
    after(async () => {
      await service?.stop();
      await consumer?.close();
      await proxy?.close();
    });

    it('delivers after a restart an event whose change committed while the broker was unreachable', async () => {
      await proxy.cut();
      service = await startChildService(port, env);
      const user = await signedUp();
      const changed = await call(ME, 'PUT', { displayName: 'Committed before the kill' }, user.token);
      assert.equal(changed.status, 200);
      // Committed (the answer says so), not published (the broker is unreachable): now the process dies.
      await kill();
      assert.equal(eventsOf(user.userId).length, 0);

      await proxy.restore();
      service = await startChildService(port, env);
      const event = await consumer.waitFor((e) => e.subject === 'profile.updated' && e.data.userId === user.userId, 15_000);
      assert.deepEqual(event.data.changed, ['displayName']);
      assert.match(String(event.data.eventId), /^[0-9a-f-]{36}$/);
      await delay(500);
      assert.equal(eventsOf(user.userId).length, 1, 'one event');
    });

    it('never loses the event of a committed change nor invents one for a change that did not commit, wherever the kill lands', async () => {
      service ??= await startChildService(port, env);
      const outcomes: string[] = [];
      for (const afterMs of [0, 3, 10, 30]) {
        const user = await signedUp();
        const displayName = `Kill at ${afterMs} ms`;
        const sent = fetch(`${service.url}${ME}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
          body: JSON.stringify({ displayName }),
        }).catch(() => null);
        await delay(afterMs);
        await kill();
        await sent;
        service = await startChildService(port, env);
        const me = await call(ME, 'GET', undefined, user.token);
        assert.equal(me.status, 200);
        const committed = me.body.displayName === displayName;
        if (committed) await consumer.waitFor((e) => e.subject === 'profile.updated' && e.data.userId === user.userId, 15_000);
        else await delay(1000);
        assert.equal(eventsOf(user.userId).length, committed ? 1 : 0, `kill ${afterMs} ms after the request: committed=${committed}`);
        outcomes.push(`${afterMs} ms: ${committed ? 'committed, event delivered' : 'not committed, no event'}`);
      }
      console.log(`# outbox kill outcomes: ${outcomes.join('; ')}`);
    });
  });
}

void main();
