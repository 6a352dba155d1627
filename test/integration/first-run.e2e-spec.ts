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
  it('says where the service and its docs are, without the route table', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-first-run-')),
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        PORT: String(port),
        PUBLIC_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const started = `Profile service on http://localhost:${port}, docs at http://localhost:${port}/api/docs`;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up line in 20 s:\n${stdout}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes(started)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } finally {
      child.kill('SIGTERM');
    }
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; context?: string });
    assert.ok(lines.length <= 5, `a short start:\n${stdout}`);
    assert.ok(!lines.some((line) => line.context === 'RouterExplorer' || /Mapped \{/.test(line.msg)), 'route mapping is debug detail');
  });

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

  it('names DATABASE_URL, without its password, when the database cannot be reached, after a few tries', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const { code, stderr } = await run({ DATABASE_URL: `postgres://profile:secret@127.0.0.1:${port}/profile` });
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `The database of DATABASE_URL (postgres://profile:***@127.0.0.1:${port}/profile) cannot be reached after 5 attempts: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
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
