import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { STRONG_PASSWORD, uniqueEmail } from '../helpers/factories';
import { startChildService } from '../helpers/child-service';

describe('graceful shutdown', () => {
  it('finishes an in-flight request on SIGTERM, then exits promptly', { timeout: 20_000 }, async () => {
    // bcrypt at cost 13 makes a login slow enough (~0.5 s) to be in flight when the signal arrives.
    const instance = await startChildService(4670, { DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-shutdown-')), BCRYPT_COST: '13' });
    const email = uniqueEmail('bye');
    const body = JSON.stringify({ email, password: STRONG_PASSWORD });
    const headers = { 'content-type': 'application/json' };
    assert.equal((await fetch(`${instance.url}/api/auth/register`, { method: 'POST', headers, body })).status, 201);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      instance.process.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const inFlight = fetch(`${instance.url}/api/auth/login`, { method: 'POST', headers, body });
    await new Promise((resolve) => setTimeout(resolve, 100));
    instance.process.kill('SIGTERM');
    const response = await inFlight;
    assert.equal(response.status, 200, 'the request in flight completes');
    assert.ok(((await response.json()) as { accessToken?: string }).accessToken);
    // Nest re-raises the signal once the application has closed.
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === 'SIGTERM', `exit code ${code}, signal ${signal}`);
    await fetch(`${instance.url}/api/health`).then(
      () => assert.fail('the instance still answers'),
      () => undefined,
    );
  });
});
