import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';
import { startChildService } from '../helpers/child-service';
import { solid } from '../helpers/images';

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('graceful shutdown', () => {
  it('finishes an in-flight request on SIGTERM, then exits promptly', { timeout: 20_000 }, async () => {
    const instance = await startChildService(4670, { DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-shutdown-')), BCRYPT_COST: '4' });
    const email = uniqueEmail('bye');
    await post(`${instance.url}/api/auth/register`, { email, password: STRONG_PASSWORD });
    const { accessToken } = (await (await post(`${instance.url}/api/auth/login`, { email, password: STRONG_PASSWORD })).json()) as { accessToken: string };
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      instance.process.once('exit', (code, signal) => resolve({ code, signal })),
    );

    // An avatar upload whose body is still arriving is certainly in flight: send the head, signal, then the rest.
    const boundary = 'shutdownBoundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`;
    const image = await solid(64, 64, 'png');
    const { port } = new URL(instance.url);
    const status = new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'PUT',
          path: '/api/auth/users/me/avatar',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(head);
      req.write(image.subarray(0, 16));
      setTimeout(() => {
        instance.process.kill('SIGTERM');
        setTimeout(() => req.end(Buffer.concat([image.subarray(16), Buffer.from(`\r\n--${boundary}--\r\n`)])), 300);
      }, 500);
    });
    assert.equal(await status, 200, 'the request in flight completes');
    // Nest re-raises the signal once the application has closed.
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === 'SIGTERM', `exit code ${code}, signal ${signal}`);
    await fetch(`${instance.url}/api/health`).then(
      () => assert.fail('the instance still answers'),
      () => undefined,
    );
  });
});
