import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRecoveryCode, normalize } from './recovery-codes';

describe('recovery codes', () => {
  it('are two groups of five from an alphabet without look-alikes (no 0/o, 1/i/l)', () => {
    for (let i = 0; i < 500; i++) {
      const code = newRecoveryCode();
      assert.match(code, /^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
      assert.doesNotMatch(code, /[01ilo]/);
    }
  });

  it('do not repeat (about 49 random bits each)', () => {
    const codes = new Set(Array.from({ length: 5000 }, () => newRecoveryCode()));
    assert.equal(codes.size, 5000);
  });

  it('match when typed back in another case, with spaces or without the dash', () => {
    assert.equal(normalize('ABCDE-FGHJK'), 'abcdefghjk');
    assert.equal(normalize(' abcde fghjk '), 'abcdefghjk');
    assert.equal(normalize('abcdefghjk'), 'abcdefghjk');
    assert.notEqual(normalize('abcde-fghjm'), normalize('abcde-fghjk'));
  });
});
