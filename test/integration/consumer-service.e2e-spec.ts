import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConsumerModule, type ConsumerSettings } from '../../examples/consumer-service/consumer.module';
import { type SignedIn, registerAndLogin, stepUp } from '../helpers/factories';
import { NATS_URL, natsUnavailable } from '../helpers/nats';
import { type TestApp, freePort, startTestApp } from '../helpers/test-app';
import { webhookSecret } from '../helpers/webhook-receiver';
import { DataSource } from 'typeorm';

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const skip = await natsUnavailable();
  if (skip) console.log(`# skipping the consumer-service test: ${skip}`);

  /**
   * examples/consumer-service, a separate Nest service, on packages/nest-auth-client: it verifies the profile
   * service's tokens with passport-jwt and the JWKS, checks sessions through auth.verify, and keeps its own table
   * in step with user.deleted and profile.updated through a durable JetStream consumer, also across its own
   * downtime.
   */
  describe('a consumer service beside the profile service', { skip: skip ?? false }, () => {
    let profile: TestApp;
    let consumer: NestFastifyApplication | undefined;
    let settings: ConsumerSettings;
    let consumerUrl = '';
    let consumerPort = 0;
    const webhookSecrets = [webhookSecret()];

    async function startConsumer(): Promise<void> {
      consumer = await NestFactory.create<NestFastifyApplication>(ConsumerModule.forRoot(settings), new FastifyAdapter(), { logger: false, rawBody: true });
      await consumer.listen({ port: consumerPort, host: '127.0.0.1' });
      consumerUrl = await consumer.getUrl();
    }

    async function stopConsumer(): Promise<void> {
      await consumer?.close();
      consumer = undefined;
    }

    const notes = (user: SignedIn) =>
      fetch(`${consumerUrl.replace('[::1]', '127.0.0.1')}/api/notes`, { headers: { Authorization: `Bearer ${user.accessToken}` } });
    const knownRows = (userId: string) =>
      consumer?.get(DataSource).query('SELECT profileUpdatedAt FROM known_users WHERE id = ?', [userId]) ?? Promise.resolve([]);
    const knownRow = async (userId: string): Promise<boolean> => (await knownRows(userId)).length > 0;

    const q = (index: number) => (profile.db.options.type === 'postgres' ? `$${index}` : '?');
    /** The erasure id of the account's user.deleted event. */
    const erasureOf = async (userId: string): Promise<string> => {
      const rows = await profile.db.query<Array<{ payload: string }>>(
        `SELECT payload FROM outbox_events WHERE name = 'user.deleted' AND payload LIKE ${q(1)}`,
        [`%${userId}%`],
      );
      return (JSON.parse(rows[0].payload) as { erasureId: string }).erasureId;
    };
    const confirmedBy = async (erasureId: string) =>
      (await profile.db.query<Array<{ service: string }>>(`SELECT service FROM erasure_confirmations WHERE erasure_id = ${q(1)}`, [erasureId])).map(
        (row) => row.service,
      );

    async function deleteAccount(user: SignedIn): Promise<void> {
      const token = await stepUp(profile, user);
      const response = await profile.http.delete('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`).set('X-Step-Up-Token', token);
      assert.equal(response.status, 204);
    }

    before(async () => {
      consumerPort = await freePort();
      // The same events over HTTP too: the consumer's webhook route, signed with its secret.
      profile = await startTestApp({
        BROKER_URL: NATS_URL,
        BROKER_RETRY_MS: '200',
        // The consumer confirms erasures; the other expected service never does (it is not running).
        ERASURE_EXPECTED_SERVICES: 'consumer-service,billing-never-confirms',
        ERASURE_DEADLINE: '1s',
        WEBHOOKS_ALLOW_HTTP: 'true',
        WEBHOOKS_ALLOW_PRIVATE: 'true',
        WEBHOOKS: JSON.stringify([
          { url: `http://127.0.0.1:${consumerPort}/api/profile-webhooks`, events: ['user.deleted', 'profile.updated'], secrets: webhookSecrets },
        ]),
        WEBHOOK_RETRY_SCHEDULE: '200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms',
      });
      await profile.app.startAllMicroservices();
      settings = {
        profileUrl: profile.url,
        issuer: 'http://localhost:3000',
        audience: 'profile-service',
        brokerUrl: NATS_URL,
        durable: `consumer-test-${randomUUID()}`,
        database: join(mkdtempSync(join(tmpdir(), 'consumer-')), 'consumer.sqlite'),
        webhookSecrets,
      };
      await startConsumer();
    });
    after(async () => {
      await stopConsumer();
      await profile.close();
      // The durable consumer belongs to this run only.
      const connection = await connect({ servers: [NATS_URL] });
      await (await jetstreamManager(connection)).consumers.delete('PROFILE_EVENTS', settings.durable).catch(() => false);
      await connection.close();
    });

    it('accepts a token of the profile service, and refuses it and forgets the user once the account is deleted', async () => {
      const user = await registerAndLogin(profile);
      const first = await notes(user);
      assert.equal(first.status, 200);
      assert.equal(((await first.json()) as { id: string }).id, user.userId);
      assert.equal((await fetch(`${consumerUrl}/api/notes`)).status, 401, 'no token');
      assert.equal((await notes({ ...user, accessToken: `${user.accessToken.slice(0, -4)}AAAA` })).status, 401, 'a forged signature');
      const stepUpToken = await stepUp(profile, user);
      assert.equal((await notes({ ...user, accessToken: stepUpToken })).status, 401, 'a step-up token is not an access token');

      assert.equal(
        (await profile.http.put('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`).send({ bio: 'seen elsewhere' })).status,
        200,
      );
      await until(async () => typeof (await knownRows(user.userId))[0]?.profileUpdatedAt === 'string', 'profile.updated to reach the consumer');

      await deleteAccount(user);
      await until(async () => !(await knownRow(user.userId)), 'user.deleted to drop the row');
      // The session check's cache holds an answer at most a second here (5 s at most by default).
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await notes(user)).status, 401, 'the deleted account’s token is refused before it expires');
    });

    it('drops the row of an account deleted while the consumer was down, once it is back', async () => {
      const user = await registerAndLogin(profile);
      assert.equal((await notes(user)).status, 200);
      assert.equal(await knownRow(user.userId), true);
      await stopConsumer();
      await deleteAccount(user);
      // Published while nobody consumed: the stream keeps it for this durable consumer.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await startConsumer();
      await until(async () => !(await knownRow(user.userId)), 'the missed user.deleted to arrive');
      // Confirmed after the restart: the durable consumer acknowledged user.deleted only once the confirmation was recorded.
      const erasureId = await erasureOf(user.userId);
      await until(async () => (await confirmedBy(erasureId)).includes('consumer-service'), 'the erasure confirmed after the restart');
    });

    it('records the consumer’s erasure confirmation, and reports an erasure a service never confirms as overdue', async () => {
      const user = await registerAndLogin(profile);
      assert.equal((await notes(user)).status, 200);
      await deleteAccount(user);
      const erasureId = await erasureOf(user.userId);
      await until(async () => (await confirmedBy(erasureId)).includes('consumer-service'), 'the consumer to confirm');
      const [erasure] = await profile.db.query<Array<{ completed_at: unknown }>>(`SELECT completed_at FROM erasures WHERE id = ${q(1)}`, [erasureId]);
      assert.equal(erasure.completed_at, null, 'billing-never-confirms has not confirmed');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const health = await profile.http.get('/api/health');
      assert.equal(health.status, 200);
      assert.equal(health.body.checks.erasure, 'overdue');
      // No personal data in the proof: the erasure rows do not name the user.
      const proof = JSON.stringify(await profile.db.query(`SELECT * FROM erasures WHERE id = ${q(1)}`, [erasureId]));
      assert.equal(proof.includes(user.userId) || proof.includes('@'), false);
    });

    it('takes the same events over HTTP, verified by the client package’s webhook guard, also those sent while it was down', async () => {
      const user = await registerAndLogin(profile);
      assert.equal((await notes(user)).status, 200);
      const delivered = async () =>
        profile.db.query<Array<{ event_type: string; status: string; last_status: number }>>(
          `SELECT event_type, status, last_status FROM webhook_deliveries WHERE user_id = ${profile.db.options.type === 'postgres' ? '$1' : '?'} ORDER BY id`,
          [user.userId],
        );
      await stopConsumer();
      assert.equal((await profile.http.put('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`).send({ bio: 'while down' })).status, 200);
      await deleteAccount(user);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await startConsumer();
      await until(async () => (await delivered()).every((row) => row.status === 'delivered'), 'the webhooks retried until the consumer answered');
      assert.deepEqual(
        (await delivered()).map((row) => [row.event_type, row.last_status]),
        [
          ['profile.updated', 204],
          ['user.deleted', 204],
        ],
      );
      await until(async () => !(await knownRow(user.userId)), 'the row gone');
      const forged = await fetch(`http://127.0.0.1:${consumerPort}/api/profile-webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'msg_x',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': 'v1,AAAA',
        },
        body: JSON.stringify({ type: 'user.deleted', timestamp: new Date().toISOString(), data: { userId: user.userId } }),
      });
      assert.equal(forged.status, 401, 'an unsigned call is refused');
    });
  });
}

void main();
