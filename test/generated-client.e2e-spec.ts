import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type TestApp, linkToken, readOutbox, startTestApp } from './helpers/test-app';

const ROOT = join(__dirname, '..', '..');
const SOURCE = join(ROOT, 'test', 'generated-client', 'walkthrough.ts');
const OUT = join(ROOT, 'dist', 'generated-client');

function run(step: string, args: string[]): void {
  const result = spawnSync(process.execPath, args, { cwd: OUT, encoding: 'utf8' });
  assert.equal(result.status, 0, `${step} failed:\n${result.stdout}${result.stderr}`);
}

interface WalkModule {
  walkThrough(walk: { baseUrl: string; verificationToken(email: string): Promise<string> }): Promise<string[]>;
}

/**
 * A client generated from openapi.json with openapi-typescript, used through openapi-fetch, runs the README's
 * walk-through. It compiles under `tsc --strict` with no cast, so the document says enough for a typed client
 * to narrow every answer (the 200 and 202 of an email change, the error bodies' codes and details).
 */
describe('a client generated from openapi.json', () => {
  let t: TestApp;
  before(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    t = await startTestApp();
  });
  after(() => t.close());

  it('is written without casts', () => {
    const code = readFileSync(SOURCE, 'utf8').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bas\s+(?!const\b)\w|\w!\./, 'the walk-through uses no type assertion');
  });

  it('compiles under tsc --strict against the generated types and runs the walk-through', async () => {
    run('openapi-typescript', [
      join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
      join(ROOT, 'openapi.json'),
      '--output',
      join(OUT, 'schema.d.ts'),
    ]);
    copyFileSync(SOURCE, join(OUT, 'walkthrough.ts'));
    writeFileSync(
      join(OUT, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUncheckedIndexedAccess: true,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'ES2023',
          lib: ['ES2023', 'DOM'],
          types: [],
          outDir: '.',
          noEmitOnError: true,
        },
        files: ['walkthrough.ts'],
      }),
    );
    run('tsc --strict', [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(OUT, 'tsconfig.json')]);

    const walk = (await import(join(OUT, 'walkthrough.js'))) as WalkModule;
    const verificationToken = (email: string): Promise<string> => {
      const mail = readOutbox(t.dataDir)
        .filter((candidate) => candidate.to.includes(email))
        .pop();
      assert.ok(mail, `a mail to ${email}`);
      return Promise.resolve(linkToken(mail));
    };
    const steps = await walk.walkThrough({ baseUrl: t.url, verificationToken });
    assert.deepEqual(steps.slice(0, 2), ['registered: true', 'verified: true, username walker']);
    assert.equal(steps[2], 'signed in for 900 s');
    assert.match(steps[3], /^me: walk-\d+@example\.com, avatar none, pending none$/);
    assert.deepEqual(steps.slice(4), [
      'updated: Ada Walker, en-GB',
      'refused: VALIDATION_FAILED username',
      'events: profile_updated,login,email_verified',
      'sessions: 1 current',
      'exported',
      `email pending: ${steps[9].replace('email pending: ', '')}`,
      'weak password: PASSWORD_POLICY_VIOLATION too_short,common',
      'refresh reuse: REFRESH_TOKEN_REUSED',
      'logged out: 204',
      'after logout: SESSION_REVOKED',
      'deleted: SESSION_REVOKED',
    ]);
    assert.match(steps[9], /^email pending: moved-walk-\d+@example\.com$/);
  });
});
