import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { VerifiedTokens } from './verified-tokens';

const key = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

describe('verified tokens', () => {
  it('recalls the exact token only', () => {
    const k = key();
    const tokens = new VerifiedTokens<string>();
    tokens.remember('header.payload.signature', 'kid-1', k, inAMinute(), 'claims');
    assert.equal(
      tokens.recall('header.payload.signature', () => k),
      'claims',
    );
    assert.equal(
      tokens.recall('header.payload.signaturf', () => k),
      undefined,
    );
    assert.equal(
      tokens.recall('header.payload.signature ', () => k),
      undefined,
    );
  });

  it('forgets a token at its exp, as jsonwebtoken would refuse it', () => {
    const k = key();
    const tokens = new VerifiedTokens<string>();
    tokens.remember('a', 'kid-1', k, Math.floor(Date.now() / 1000), 'claims');
    assert.equal(
      tokens.recall('a', () => k),
      undefined,
    );
    assert.equal(tokens.size, 0, 'the expired entry is gone');
  });

  it('forgets a token whose key is no longer the key of its kid', () => {
    const k = key();
    const tokens = new VerifiedTokens<string>();
    tokens.remember('a', 'kid-1', k, inAMinute(), 'claims');
    assert.equal(
      tokens.recall('a', () => key()),
      undefined,
      'another key under the same kid',
    );
    tokens.remember('a', 'kid-1', k, inAMinute(), 'claims');
    assert.equal(
      tokens.recall('a', () => undefined),
      undefined,
      'the kid retired',
    );
    tokens.remember('a', 'kid-1', k, inAMinute(), 'claims');
    assert.equal(
      tokens.recall('a', (kid) => (kid === 'kid-1' ? k : undefined)),
      'claims',
    );
  });

  it('holds at most its capacity, dropping the oldest first', () => {
    const k = key();
    const tokens = new VerifiedTokens<number>(3);
    for (let i = 0; i < 5; i++) tokens.remember(`t${i}`, 'kid', k, inAMinute(), i);
    assert.equal(tokens.size, 3);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((i) => tokens.recall(`t${i}`, () => k)),
      [undefined, undefined, 2, 3, 4],
    );
  });
});
