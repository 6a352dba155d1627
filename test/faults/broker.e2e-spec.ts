import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ChildService, startChildService } from '../helpers/child-service';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';
import { type Consumer, NATS_URL, natsUnavailable, startConsumer } from '../helpers/nats';
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy';

const PORT = 4680;

async function main(): Promise<void> {
  const skip = await natsUnavailable();
  if (skip) console.log(`# skipping the broker outage: ${skip}`);

  describe('the broker gone at boot and mid-traffic (the real main.ts)', { skip: skip ?? false, timeout: 120_000 }, () => {
    let proxy: TcpProxy;
    let consumer: Consumer;
    let service: ChildService;
    const json = (response: Response) => response.json() as Promise<Record<string, unknown>>;
    const call = (path: string, method = 'GET', body?: unknown, token?: string) =>
      fetch(`${service.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    before(async () => {
      consumer = await startConsumer(['profile.updated']);
      proxy = await startTcpProxy(Number(new URL(NATS_URL).port), new URL(NATS_URL).hostname);
      await proxy.cut();
      service = await startChildService(PORT, {
        BROKER_URL: `nats://${proxy.address}`,
        BROKER_RETRY_MS: '200',
        BCRYPT_COST: '4',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-broker-fault-')),
      });
    });
    after(async () => {
      await service?.stop();
      await proxy.close();
      await consumer.close();
    });

    it('starts without the broker, reports it, delivers every event once it is back, and again after a cut', async () => {
      const health = await call('/api/health');
      assert.equal(health.status, 200);
      assert.deepEqual(await json(health), { status: 'degraded', checks: { database: 'up', broker: 'down' } });

      const email = uniqueEmail('broker');
      assert.equal((await call('/api/auth/register', 'POST', { email, password: STRONG_PASSWORD })).status, 201);
      const { accessToken, user } = (await json(await call('/api/auth/login', 'POST', { email, password: STRONG_PASSWORD }))) as {
        accessToken: string;
        user: { id: string };
      };
      const names = ['one', 'two', 'three'];
      for (const displayName of names.slice(0, 2)) assert.equal((await call('/api/auth/users/me', 'PUT', { displayName }, accessToken)).status, 200);

      const restored = Date.now();
      await proxy.restore();
      const delivered = (count: number) =>
        consumer.waitFor(() => new Set(consumer.received.filter((r) => r.data.userId === user.id).map((r) => r.data.eventId)).size >= count, 15_000);
      await delivered(2);
      console.log(`# broker back at boot: events delivered ${Date.now() - restored} ms after it returned`);
      for (let i = 0; i < 50 && (await json(await call('/api/health'))).status !== 'ok'; i++) await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(await json(await call('/api/health')), { status: 'ok', checks: { database: 'up', broker: 'up' } });

      // Mid-traffic: the connection is reset under the publisher, the change still succeeds, the event waits.
      await proxy.cut();
      assert.equal((await call('/api/auth/users/me', 'PUT', { displayName: names[2] }, accessToken)).status, 200);
      const cutAt = Date.now();
      await proxy.restore();
      await delivered(3);
      console.log(`# broker back mid-traffic: event delivered ${Date.now() - cutAt} ms after it returned`);
      const changes = consumer.received.filter((e) => e.data.userId === user.id).map((e) => e.data.changed);
      assert.deepEqual(changes.slice(0, 3), [['displayName'], ['displayName'], ['displayName']], 'every change was delivered, in order');
    });
  });
}

void main();
