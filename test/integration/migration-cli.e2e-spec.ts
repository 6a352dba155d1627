import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = require.resolve('typeorm/cli.js');

/**
 * `npm run migration:run` (README, operations: dist/scripts/migrate.js, under the migration lock) on the database
 * of this run: a fresh SQLite file, or the PostgreSQL of DATABASE_URL (already migrated by the other tests: then
 * nothing is left to run, and the CLI must still load every entity with the column types of that database).
 * TypeORM's own CLI then shows nothing pending.
 */
describe('the migration CLI (ormconfig.ts)', () => {
  it('runs the migrations with the entities loaded for this database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-migrations-'));
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'scripts', 'migrate.js')], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir },
    });
    if (!process.env.DATABASE_URL) assert.match(stdout, /Migration Passkeys\d+ has been executed successfully/);
    else assert.match(stdout, /No migrations are pending|has been executed successfully/);
    const { stdout: shown } = await promisify(execFile)(process.execPath, [CLI, 'migration:show', '-d', join(ROOT, 'dist', 'ormconfig.js')], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir },
    });
    assert.doesNotMatch(shown, /\[ \]/, 'no migration left pending');
  });
});
