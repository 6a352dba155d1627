import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { registerAndLogin } from '../helpers/factories';
import { type TestApp, startTestApp } from '../helpers/test-app';

const PORT = 4690;
const SERVER =
  (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'nats-server'))
    .find((path) => existsSync(path)) ?? ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((path) => existsSync(path));
const skip = SERVER ? false : 'no nats-server binary on this machine (Debian package nats-server)';
if (skip) console.log(`# skipping the broker authentication test: ${skip}`);

describe('a broker that requires credentials (nats-server --user/--pass)', { skip, timeout: 60_000 }, () => {
  let server: ChildProcess;
  let t: TestApp;
  before(async () => {
    // With JetStream (its store in a temporary folder): events go into the stream.
    const store = mkdtempSync(join(tmpdir(), 'nats-js-'));
    server = spawn(SERVER!, ['-a', '127.0.0.1', '-p', String(PORT), '--user', 'profile', '--pass', 's3cr%t', '-js', '-sd', store], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const up = await connect({ servers: `nats://127.0.0.1:${PORT}`, user: 'profile', pass: 's3cr%t', reconnect: false }).then(
        (connection) => connection.close().then(() => true),
        () => false,
      );
      if (up) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The password is URL-encoded in BROKER_URL, as a URL needs it.
    t = await startTestApp({ BROKER_URL: `nats://profile:s3cr%25t@127.0.0.1:${PORT}`, BROKER_RETRY_MS: '200' });
    await t.app.startAllMicroservices();
  });
  after(async () => {
    await t?.close();
    server?.kill('SIGTERM');
  });

  it('connects with the credentials of BROKER_URL: publishes, and answers auth.verify', async () => {
    const health = await t.http.get('/api/health');
    assert.deepEqual(health.body, { status: 'ok', checks: { database: 'up', broker: 'up' } });
    const client: ClientProxy = ClientProxyFactory.create({
      transport: Transport.NATS,
      options: { servers: [`nats://127.0.0.1:${PORT}`], user: 'profile', pass: 's3cr%t' },
    });
    try {
      const user = await registerAndLogin(t);
      const verified = await lastValueFrom(client.send<{ userId: string }>('auth.verify', { token: user.accessToken }));
      assert.equal(verified.userId, user.userId);
    } finally {
      await client.close();
    }
  });

  it('keeps clients without the credentials out', async () => {
    await assert.rejects(connect({ servers: `nats://127.0.0.1:${PORT}`, reconnect: false }));
    await assert.rejects(connect({ servers: `nats://127.0.0.1:${PORT}`, user: 'profile', pass: 'wrong', reconnect: false }));
  });
});
