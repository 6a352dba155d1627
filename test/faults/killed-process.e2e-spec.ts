import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type ChildService, startChildService } from '../helpers/child-service';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';
import { solid } from '../helpers/images';
import { linkToken, readOutbox } from '../helpers/test-app';

const PORT = 4681;

interface Answer {
  accessToken?: string;
  stepUpToken?: string;
  email?: string;
  avatar?: { url: string } | null;
  pendingEmail?: { email: string } | null;
}
const ME = '/api/auth/users/me';

describe('the process killed (SIGKILL) mid-operation, then restarted', { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'profile-killed-'));
  const env = { DATA_DIR: dataDir, BCRYPT_COST: '4', AUTH_RATE_LIMIT_IP: '100000/15m' };
  let service: ChildService | undefined;
  after(async () => {
    await service?.stop();
  });

  const start = async () => (service = await startChildService(PORT, env));
  const kill = async () => {
    await service!.kill();
    service = undefined;
  };
  const call = async (path: string, init: { method?: string; token?: string; stepUp?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.stepUp) headers['x-step-up-token'] = init.stepUp;
    const response = await fetch(`${service!.url}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Answer };
  };
  const signIn = async (email: string) => {
    const { body } = await call('/api/auth/login', { method: 'POST', body: { email, password: STRONG_PASSWORD } });
    return body.accessToken ?? '';
  };
  const stepUp = async (token: string) =>
    (await call('/api/auth/step-up', { method: 'POST', token, body: { password: STRONG_PASSWORD } })).body.stepUpToken ?? '';

  /** Sends a multipart upload; resolves once `fraction` of it is written (the answer, if any, is ignored). */
  const sendUpload = (token: string, image: Buffer, fraction: number) =>
    new Promise<void>((resolve) => {
      const boundary = 'killedboundary';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
        image,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const request = http.request({
        host: '127.0.0.1',
        port: PORT,
        method: 'PUT',
        path: `${ME}/avatar`,
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
      });
      request.on('error', () => undefined);
      request.on('response', (response) => response.resume());
      const cut = Math.floor(body.length * fraction);
      request.write(body.subarray(0, cut), () => resolve());
      if (fraction >= 1) request.end();
    });

  it('keeps an avatar (the old one or the new one, never none) and a consistent email change', async () => {
    await start();
    const email = uniqueEmail('killed');
    assert.equal((await call('/api/auth/register', { method: 'POST', body: { email, password: STRONG_PASSWORD } })).status, 201);
    let token = await signIn(email);
    const form = new FormData();
    form.append('file', new Blob([await solid(100, 100, 'png')]), 'a.png');
    const first = await fetch(`${service!.url}${ME}/avatar`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: form });
    assert.equal(first.status, 200);
    const image = await solid(1500, 1500, 'png', '#884422');

    // Mid-body, just after the body, and a little later (inside the pipeline or the storage writes).
    for (const [fraction, delayMs] of [
      [0.5, 0],
      [1, 0],
      [1, 30],
      [1, 120],
    ] as const) {
      await sendUpload(token, image, fraction);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await kill();
      await start();
      token = await signIn(email);
      const me = await call(ME, { token });
      assert.ok(me.body.avatar, `an avatar after a kill at ${fraction}/${delayMs} ms`);
      const served = await fetch(new URL(new URL(me.body.avatar.url).pathname, service!.url));
      assert.equal(served.status, 200, 'its files are there');
    }

    let current = email;
    for (const delayMs of [0, 10, 40]) {
      const target = uniqueEmail('moved');
      const stepUpToken = await stepUp(token);
      void fetch(`${service!.url}${ME}/email`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-step-up-token': stepUpToken },
        body: JSON.stringify({ email: target }),
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await kill();
      await start();
      token = await signIn(current);
      const me = await call(ME, { token });
      assert.equal(me.body.email?.toLowerCase(), current.toLowerCase(), 'the address only changes once verified');
      if (me.body.pendingEmail) {
        assert.equal(me.body.pendingEmail.email.toLowerCase(), target.toLowerCase());
        const mail = readOutbox(dataDir)
          .filter((m) => m.to.toLowerCase().includes(target.toLowerCase()))
          .pop();
        assert.ok(mail, 'a pending change has had its link mailed');
        const verified = await call('/api/auth/email/verify', { method: 'POST', body: { token: linkToken(mail) } });
        assert.equal(verified.status, 200, 'and the link works');
        current = target;
        token = await signIn(current);
      }
    }
  });
});
