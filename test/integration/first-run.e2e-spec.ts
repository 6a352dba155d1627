import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const MAIN = join(__dirname, '..', '..', 'src', 'main.js');

/** Runs the service until it exits (or 20 s), returning its exit code and what it wrote to stderr. */
function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-first-run-')), LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: stderr.trim() });
    });
  });
}

describe('a first run that explains itself', () => {
  it('refuses a bad setting in one line naming the variable, without a stack trace', async () => {
    for (const [env, variable] of [
      [{ PORT: 'abc' }, 'PORT'],
      [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
      [{ DATABASE_URL: 'mysql://user:secret@db.example/profile' }, 'DATABASE_URL'],
    ] as const) {
      const { code, stderr } = await run(env);
      assert.equal(code, 1);
      assert.equal(stderr.split('\n').length, 1, stderr);
      assert.match(stderr, new RegExp(variable));
      assert.doesNotMatch(stderr, /\n\s+at |secret/);
    }
  });

  it('says in one line that the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    const port = String((taken.address() as { port: number }).port);
    try {
      const { code, stderr } = await run({ PORT: port });
      assert.equal(code, 1);
      assert.equal(stderr, `PORT ${port} is already in use`);
    } finally {
      taken.close();
    }
  });
});
