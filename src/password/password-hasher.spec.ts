import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as bcrypt from 'bcrypt';
import { parsePasswordConfig } from '#src/config/password.config';
import { PasswordHasher } from './password-hasher.service';

describe('PasswordHasher: NFKC', () => {
  const hasher = new PasswordHasher(parsePasswordConfig({ BCRYPT_COST: '4' }));

  it('matches a password typed composed, decomposed or in full-width forms', async () => {
    await hasher.onModuleInit();
    const hash = await hasher.hash('Crème brûlée ＡＢＣ １２３');
    assert.equal(await hasher.match('Crème brûlée ＡＢＣ １２３', hash), 'normalised');
    assert.equal(await hasher.match('Cre\u0300me bru\u0302le\u0301e ABC 123', hash), 'normalised', 'decomposed, half-width');
    assert.equal(await hasher.match('Crème brûlée ABC 124', hash), null);
  });

  it('still accepts a hash made before normalisation, and says so (to be replaced)', async () => {
    const typed = 'Cre\u0300me bru\u0302le\u0301e';
    const legacy = await bcrypt.hash(typed, 4);
    assert.equal(await hasher.match(typed, legacy), 'as-typed');
    assert.equal(await hasher.match('Crème brûlée', legacy), null, 'the composed form was never what was hashed');
  });

  it('never matches input over 72 bytes, whatever bcrypt would read of it', async () => {
    const hash = await hasher.hash('x'.repeat(72));
    assert.equal(await hasher.match('x'.repeat(80), hash), null);
  });
});
