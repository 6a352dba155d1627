import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Controller, HttpCode, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Webhook } from 'standardwebhooks';
import {
  type ProfileWebhook,
  ProfileWebhookEvent,
  ProfileWebhookGuard,
  ProfileWebhooksModule,
  verifyProfileWebhook,
} from '../../packages/nest-auth-client/src';
import { registerAndLogin } from '../helpers/factories';
import { type TestApp, freePort, startTestApp } from '../helpers/test-app';
import { webhookSecret } from '../helpers/webhook-receiver';

const received: ProfileWebhook[] = [];

@Controller('hooks')
class HooksController {
  @Post()
  @HttpCode(204)
  @UseGuards(ProfileWebhookGuard)
  take(@ProfileWebhookEvent() webhook: ProfileWebhook): void {
    received.push(webhook);
  }
}

/**
 * packages/nest-auth-client's webhook guard in a Nest service of its own, receiving the real profile service's
 * webhooks; and the same verification refusing what Standard Webhooks says to refuse.
 */
describe('the client package verifies the profile service’s webhooks', () => {
  const oldSecret = webhookSecret();
  const newSecret = webhookSecret();
  let receiver: NestFastifyApplication;
  let profile: TestApp;
  let url: string;

  before(async () => {
    @Module({ imports: [ProfileWebhooksModule.forRoot({ secrets: [newSecret] })], controllers: [HooksController] })
    class ReceiverModule {}
    receiver = await NestFactory.create<NestFastifyApplication>(ReceiverModule, new FastifyAdapter(), { logger: false, rawBody: true });
    const port = await freePort();
    await receiver.listen({ port, host: '127.0.0.1' });
    url = `http://127.0.0.1:${port}/hooks`;
    // The profile service mid-rotation: it signs with both; the receiver knows only the new secret.
    profile = await startTestApp({
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      WEBHOOKS: JSON.stringify([{ url, events: ['profile.*'], secrets: [newSecret, oldSecret] }]),
    });
  });
  after(async () => {
    await profile?.close();
    await receiver?.close();
  });

  it('accepts the service’s deliveries, with the event typed by its subject', async () => {
    const user = await registerAndLogin(profile);
    assert.equal((await profile.http.put('/api/auth/users/me').set('Authorization', `Bearer ${user.accessToken}`).send({ bio: 'over HTTP' })).status, 200);
    const deadline = Date.now() + 10_000;
    while (!received.some((hook) => hook.data.userId === user.userId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const hook = received.find((h) => h.data.userId === user.userId)!;
    assert.equal(hook.type, 'profile.updated');
    assert.deepEqual(hook.data.after, { bio: 'over HTTP' });
    const [row] = await profile.db.query<Array<{ status: string; last_status: number }>>(
      `SELECT status, last_status FROM webhook_deliveries WHERE event_id = ${profile.db.options.type === 'postgres' ? '$1' : '?'}`,
      [hook.id],
    );
    assert.deepEqual({ ...row }, { status: 'delivered', last_status: 204 });
  });

  it('refuses a tampered body, another secret, a stale or future timestamp and missing headers with 401', async () => {
    const body = JSON.stringify({
      type: 'user.deleted',
      timestamp: new Date().toISOString(),
      data: { userId: 'u1', eventId: 'e1', at: new Date().toISOString() },
    });
    const signed = (secret: string, at = new Date(), id = 'msg_1') => ({
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, body),
    });
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    assert.equal((await post(signed(newSecret))).status, 204, 'signed by the standardwebhooks package with the secret it knows');
    assert.equal((await post(signed(newSecret), body.replace('u1', 'u2'))).status, 401, 'tampered body');
    assert.equal((await post(signed(oldSecret))).status, 401, 'a secret it does not know');
    assert.equal((await post(signed(newSecret, new Date(Date.now() - 6 * 60_000)))).status, 401, 'older than 5 minutes: a replayed capture');
    assert.equal((await post(signed(newSecret, new Date(Date.now() + 6 * 60_000)))).status, 401, 'from the future');
    const { 'webhook-signature': _signature, ...unsigned } = signed(newSecret);
    assert.equal((await post(unsigned)).status, 401, 'no signature');

    // The function alone, as a receiver outside Nest would use it.
    const headers = signed(newSecret);
    assert.equal(verifyProfileWebhook({ secrets: [oldSecret, newSecret] }, body, headers).type, 'user.deleted');
    assert.throws(() => verifyProfileWebhook({ secrets: [newSecret] }, body, headers, Date.now() + 301_000), /too far from now/);
    assert.equal(verifyProfileWebhook({ secrets: [newSecret], toleranceSeconds: 600 }, body, headers, Date.now() + 301_000).id, 'msg_1');
  });
});
