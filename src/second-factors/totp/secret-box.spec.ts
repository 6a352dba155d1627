import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseFactorsConfig } from '#src/config/factors.config';
import { SecretBox } from './secret-box';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const boxWith = (key: string) => new SecretBox(parseFactorsConfig({ MFA_ENCRYPTION_KEY: key }));

describe('SecretBox', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('opens what it sealed, and seals the same secret differently each time (a fresh IV)', () => {
    const box = boxWith(KEY_A);
    const first = box.seal('JBSWY3DPEHPK3PXP');
    const second = box.seal('JBSWY3DPEHPK3PXP');
    assert.notEqual(first, second);
    assert.equal(box.open(first), 'JBSWY3DPEHPK3PXP');
    assert.equal(box.open(second), 'JBSWY3DPEHPK3PXP');
    assert.ok(!first.includes('JBSWY3DPEHPK3PXP'));
  });

  it('refuses a sealed value that was changed, sealed under another key, or never sealed', () => {
    const box = boxWith(KEY_A);
    const sealed = box.seal('a secret');
    const [version, iv, tag, data] = sealed.split('.');
    const flipped = `${data[0] === 'A' ? 'B' : 'A'}${data.slice(1)}`;
    assert.throws(() => box.open([version, iv, tag, flipped].join('.')));
    assert.throws(() => boxWith(KEY_B).open(sealed));
    assert.throws(() => box.open('plain text'), /not a sealed second-factor secret/);
    assert.throws(() => box.open(`v2.${iv}.${tag}.${data}`), /not a sealed second-factor secret/);
  });

  it('digests with a key: the same value gives the same digest under one key and another under a second key', () => {
    const digest = boxWith(KEY_A).digest('abcde-fghij');
    assert.match(digest, /^[0-9a-f]{64}$/);
    assert.equal(boxWith(KEY_A).digest('abcde-fghij'), digest);
    assert.notEqual(boxWith(KEY_B).digest('abcde-fghij'), digest);
  });

  it('without MFA_ENCRYPTION_KEY, generates one key file once (mode 0600) that every instance on the directory shares', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'secret-box-'));
    dirs.push(dataDir);
    const config = parseFactorsConfig({ DATA_DIR: dataDir });
    const boxes = Array.from({ length: 4 }, () => new SecretBox(config));
    const sealed = boxes[0].seal('shared');
    for (const box of boxes) assert.equal(box.open(sealed), 'shared');
    assert.equal(statSync(config.keyFile).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(config.keyFile, 'utf8').trim(), 'base64').length, 32);
  });
});
