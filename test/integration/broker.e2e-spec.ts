import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { registerAndLogin, uniqueUsername } from '../helpers/factories';
import { type Consumer, NATS_URL, natsUnavailable, startConsumer } from '../helpers/nats';
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy';
import { type TestApp, startTestApp } from '../helpers/test-app';

const ME = '/api/auth/users/me';
const EVENTS = ['profile.updated', 'profile.email_changed', 'profile.password_changed', 'profile.avatar_changed', 'user.deleted'];

async function main(): Promise<void> {
  const skip = await natsUnavailable();
  if (skip) console.log(`# skipping the broker tests: ${skip}`);

  describe('events and request/response on NATS', { skip: skip ?? false }, () => {
    let t: TestApp;
    let consumer: Consumer;
    let client: ClientProxy;
    before(async () => {
      consumer = await startConsumer(EVENTS);
      // A stream made by an earlier version, before profile.factors_changed existed: the service adds the subject.
      const setup = await connect({ servers: NATS_URL });
      try {
        const jsm = await jetstreamManager(setup);
        const existing = await jsm.streams.info('PROFILE_EVENTS').catch(() => null);
        if (existing)
          await jsm.streams.update('PROFILE_EVENTS', { subjects: existing.config.subjects.filter((subject) => subject !== 'profile.factors_changed') });
      } finally {
        await setup.close();
      }
      t = await startTestApp({ BROKER_URL: NATS_URL, BROKER_RETRY_MS: '200' });
      await t.app.startAllMicroservices();
      client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
      await client.connect();
    });
    after(async () => {
      await client.close();
      await t.close();
      await consumer.close();
    });

    it('publishes each change once, with a unique eventId, ids and facts only', async () => {
      const user = await registerAndLogin(t);
      const username = uniqueUsername('evt');
      assert.equal((await t.http.put(ME).set('Authorization', `Bearer ${user.accessToken}`).send({ username, bio: 'x' })).status, 200);
      const event = await consumer.waitFor((e) => e.subject === 'profile.updated' && e.data.userId === user.userId);
      assert.deepEqual(Object.keys(event.data).sort(), ['at', 'changed', 'eventId', 'userId']);
      assert.deepEqual((event.data.changed as string[]).sort(), ['bio', 'username']);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(consumer.received.filter((e) => e.subject === 'profile.updated' && e.data.userId === user.userId).length, 1, 'exactly once');
      assert.doesNotMatch(JSON.stringify(consumer.received), /password|token|\$2b\$/i);
    });

    it('keeps the events in the JetStream stream for a consumer that was down, and drops a re-sent one', async () => {
      const since = new Date(Date.now() - 1000).toISOString();
      const user = await registerAndLogin(t);
      assert.equal((await t.http.put(ME).set('Authorization', `Bearer ${user.accessToken}`).send({ bio: 'kept for later' })).status, 200);
      const live = await consumer.waitFor((e) => e.subject === 'profile.updated' && e.data.userId === user.userId);
      // A consumer that starts only now reads what it missed from the stream.
      const connection = await connect({ servers: [NATS_URL] });
      try {
        const js = jetstream(connection);
        const missed = await js.consumers.get('PROFILE_EVENTS', {
          filter_subjects: 'profile.updated',
          deliver_policy: DeliverPolicy.StartTime,
          opt_start_time: since,
        });
        let stored: { pattern: string; data: Record<string, unknown> } | undefined;
        for await (const message of await missed.consume({ expires: 2000 })) {
          const record = message.json<{ pattern: string; data: Record<string, unknown> }>();
          if (record.data.userId === user.userId) {
            stored = record;
            break;
          }
        }
        assert.deepEqual(stored, { pattern: 'profile.updated', data: live.data }, 'the same record Nest subscribers read');
        // The outbox sends a row again when an ack was lost: the stream knows the event's id.
        const again = await js.publish('profile.updated', JSON.stringify(stored), { msgID: String(live.data.eventId) });
        assert.equal(again.duplicate, true);
        // profile.get is a request, not an event: the stream must not answer it.
        const jsm = await jetstreamManager(connection);
        const info = await jsm.streams.info('PROFILE_EVENTS');
        assert.ok(!info.config.subjects.some((subject) => subject === 'profile.get' || subject.endsWith('>')), info.config.subjects.join(','));
        assert.ok(info.config.subjects.includes('profile.factors_changed'), 'a subject added since the stream was made');
      } finally {
        await connection.close();
      }
    });

    it('answers profile.get with the public part of the profile, and NOT_FOUND for an unknown user', async () => {
      const user = await registerAndLogin(t);
      const profile = await lastValueFrom(client.send('profile.get', { userId: user.userId }));
      assert.deepEqual(Object.keys(profile as object).sort(), ['avatar', 'displayName', 'id', 'locale', 'timezone', 'username']);
      await assert.rejects(
        lastValueFrom(client.send('profile.get', { userId: '00000000-0000-4000-8000-000000000000' })),
        (error: { code?: string }) => error.code === 'NOT_FOUND',
      );
      await assert.rejects(lastValueFrom(client.send('profile.get', { userId: 'nope' })), (error: { code?: string }) => error.code === 'VALIDATION_FAILED');
    });

    it('answers auth.verify with the user and session, and with the contract codes for bad or revoked tokens', async () => {
      const user = await registerAndLogin(t);
      const verified = await lastValueFrom(client.send<{ userId: string; sessionId: string }>('auth.verify', { token: user.accessToken }));
      assert.equal(verified.userId, user.userId);
      assert.ok(verified.sessionId);
      await assert.rejects(
        lastValueFrom(client.send('auth.verify', { token: 'garbage' })),
        (error: { code?: string }) => error.code === 'ACCESS_TOKEN_INVALID',
      );
      await t.http.post('/api/auth/logout').set('Authorization', `Bearer ${user.accessToken}`);
      await assert.rejects(
        lastValueFrom(client.send('auth.verify', { token: user.accessToken })),
        (error: { code?: string }) => error.code === 'SESSION_REVOKED',
      );
    });
  });

  describe('a broker that is down', { skip: skip ?? false }, () => {
    let relay: TcpProxy;
    let t: TestApp;
    let consumer: Consumer;
    before(async () => {
      consumer = await startConsumer(EVENTS);
      relay = await startTcpProxy(Number(new URL(NATS_URL).port), new URL(NATS_URL).hostname);
      await relay.cut();
      t = await startTestApp({ BROKER_URL: `nats://${relay.address}`, BROKER_RETRY_MS: '200' });
    });
    after(async () => {
      await t.close();
      await relay.close();
      await consumer.close();
    });

    it('never fails the request, and delivers the event once the broker is back', async () => {
      const user = await registerAndLogin(t);
      const response = await t.http.put(ME).set('Authorization', `Bearer ${user.accessToken}`).send({ displayName: 'Offline' });
      assert.equal(response.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const db = t.db;
      const [{ pending }] = await db.query(`SELECT COUNT(*) AS pending FROM outbox_events WHERE published_at IS NULL`);
      assert.ok(Number(pending) >= 1, 'queued in the outbox');
      assert.equal(consumer.received.filter((e) => e.data.userId === user.userId).length, 0);
      await relay.restore();
      const event = await consumer.waitFor((e) => e.subject === 'profile.updated' && e.data.userId === user.userId);
      assert.deepEqual(event.data.changed, ['displayName']);
    });
  });
}

void main();
