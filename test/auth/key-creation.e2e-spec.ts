import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const SERVICE = join(__dirname, '..', '..', 'src', 'auth', 'keys', 'signing-keys.service.js');

/** One process that builds the signing keys from an empty keys directory, as an instance does at boot. */
function instanceKid(keysDir: string): Promise<string> {
  const script = `
    const { SigningKeysService } = require(${JSON.stringify(SERVICE)});
    const keys = new SigningKeysService({ keysDir: ${JSON.stringify(keysDir)}, privateKeys: [], algorithm: 'ES256' });
    process.stdout.write('kid=' + keys.current.kid + ';');
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(/kid=([^;]+);/.exec(out)?.[1] ?? '') : reject(new Error(`exited with ${code}`))));
  });
}

describe('signing keys generated under DATA_DIR/keys', () => {
  it('are created atomically: instances started together on one directory all sign with the same key', async () => {
    for (let round = 0; round < 3; round++) {
      const keysDir = join(mkdtempSync(join(tmpdir(), 'profile-keys-')), 'keys');
      const kids = await Promise.all(Array.from({ length: 6 }, () => instanceKid(keysDir)));
      assert.equal(new Set(kids).size, 1, `instances disagree: ${kids.join(', ')}`);
      const files = readdirSync(keysDir);
      assert.deepEqual(files, ['0000-first.pem'], 'one key file, no temporary left behind');
      assert.equal(statSync(join(keysDir, files[0])).mode & 0o777, 0o600);
      assert.equal(statSync(keysDir).mode & 0o777, 0o700);
    }
  });
});
