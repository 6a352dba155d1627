import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type ChildService, startChildService } from '../helpers/child-service';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';
import { freePort } from '../helpers/test-app';
import { WebhookReceiver, webhookSecret } from '../helpers/webhook-receiver';

const ME = '/api/auth/users/me';

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

/**
 * Webhook deliveries under SIGKILL (the real main.ts, on SQLite or on the PostgreSQL of DATABASE_URL): the process
 * killed after the change committed and before the send, and after the send and before the delivery was marked.
 * After a restart every event arrives, at least once, with the same webhook-id; and two instances on one database
 * deliver every event exactly once.
 */
describe('webhooks when the process is killed, and with two instances', { timeout: 240_000 }, () => {
  const secret = webhookSecret();
  let receiver: WebhookReceiver;
  let service: ChildService | undefined;
  let second: ChildService | undefined;
  let port: number;
  const env = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-webhook-kill-')),
    BCRYPT_COST: '4',
    AUTH_RATE_LIMIT_IP: '100000/15m',
    // One public address (one token issuer) for both instances, as behind a load balancer.
    PUBLIC_URL: 'http://localhost:3000',
    WEBHOOKS_ALLOW_HTTP: 'true',
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    WEBHOOKS: '',
    // A claim of the killed process lapses 3 s after it was taken (timeout plus OUTBOX_CLAIM_TTL).
    WEBHOOK_TIMEOUT: '2s',
    OUTBOX_CLAIM_TTL: '1s',
    WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms',
  };
  const call = async (base: string, path: string, method = 'GET', body?: unknown, token?: string) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
  };
  const signedUp = async (base = service!.url) => {
    const email = uniqueEmail('webhook-kill');
    assert.equal((await call(base, '/api/auth/register', 'POST', { email, password: STRONG_PASSWORD })).status, 201);
    const { body } = await call(base, '/api/auth/login', 'POST', { email, password: STRONG_PASSWORD });
    return { token: body.accessToken as string, userId: (body.user as { id: string }).id };
  };
  const kill = async () => {
    await service!.kill();
    service = undefined;
  };
  const hooksOf = (userId: string) => receiver.received.filter((hook) => hook.data.userId === userId);

  before(async () => {
    receiver = await new WebhookReceiver(secret).start();
    env.WEBHOOKS = JSON.stringify([{ url: receiver.url, events: ['profile.updated'], secrets: [secret] }]);
    port = await freePort();
  });
  after(async () => {
    await service?.stop();
    await second?.stop();
    await receiver?.stop();
  });

  it('delivers after a restart an event whose change committed but was never sent', async () => {
    service = await startChildService(port, env);
    const user = await signedUp();
    await receiver.stop();
    assert.equal((await call(service.url, ME, 'PUT', { displayName: 'Committed, not sent' }, user.token)).status, 200);
    // Committed (the answer says so), not delivered (the receiver refuses connections): now the process dies.
    await kill();
    assert.equal(hooksOf(user.userId).length, 0);

    await receiver.start();
    service = await startChildService(port, env);
    const hook = await receiver.waitFor((h) => h.data.userId === user.userId);
    assert.equal((hook.data.after as { displayName: string }).displayName, 'Committed, not sent');
    await delay(500);
    assert.equal(hooksOf(user.userId).length, 1, 'one delivery');
  });

  it('sends again, with the same webhook-id, a delivery the killed process had sent but not marked', async () => {
    service ??= await startChildService(port, env);
    const user = await signedUp();
    receiver.mode = 'hang';
    const before = receiver.attempts.length;
    assert.equal((await call(service.url, ME, 'PUT', { displayName: 'Sent, not marked' }, user.token)).status, 200);
    // The request reached the receiver, which holds its answer: the sender is killed before it hears back.
    await until(() => receiver.attempts.length > before, 'the send');
    const sentId = receiver.attempts[receiver.attempts.length - 1];
    await kill();
    receiver.mode = { answer: 204 };

    service = await startChildService(port, env);
    const hook = await receiver.waitFor((h) => h.data.userId === user.userId);
    assert.equal(hook.id, sentId, 'the same webhook-id as the attempt the killed process made');
    assert.ok(receiver.attempts.filter((id) => id === sentId).length >= 2, 'sent at least twice: at least once is the promise');
  });

  it('never loses the delivery of a committed change, wherever the kill lands', async () => {
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
      const me = await call(service.url, ME, 'GET', undefined, user.token);
      assert.equal(me.status, 200);
      const committed = me.body.displayName === displayName;
      if (committed) await receiver.waitFor((h) => h.data.userId === user.userId);
      else await delay(1000);
      assert.equal(
        new Set(hooksOf(user.userId).map((hook) => hook.id)).size,
        committed ? 1 : 0,
        `kill ${afterMs} ms after the request: committed=${committed}`,
      );
      outcomes.push(`${afterMs} ms: ${committed ? 'committed, delivered' : 'not committed, nothing sent'}`);
    }
    console.log(`# webhook kill outcomes: ${outcomes.join('; ')}`);
  });

  it('delivers every event exactly once with two instances on one database', async () => {
    service ??= await startChildService(port, env);
    second = await startChildService(await freePort(), env);
    const users = await Promise.all(Array.from({ length: 6 }, (_, index) => signedUp(index % 2 === 0 ? service!.url : second!.url)));
    const before = receiver.received.length;
    await Promise.all(
      users.map(async (user, index) => {
        for (let change = 1; change <= 5; change++) {
          const base = (index + change) % 2 === 0 ? service!.url : second!.url;
          assert.equal((await call(base, ME, 'PUT', { displayName: `Change ${change}` }, user.token)).status, 200);
        }
      }),
    );
    await until(() => users.every((user) => hooksOf(user.userId).length >= 5), 'all 30 deliveries');
    await delay(1500);
    const arrived = receiver.received.slice(before);
    assert.equal(arrived.length, 30, 'each event once: no instance sent what the other one held');
    assert.equal(new Set(arrived.map((hook) => hook.id)).size, 30);
    for (const user of users) {
      assert.deepEqual(
        hooksOf(user.userId).map((hook) => (hook.data.after as { displayName: string }).displayName),
        ['Change 1', 'Change 2', 'Change 3', 'Change 4', 'Change 5'],
        'in order per account, across instances',
      );
    }
  });
});
