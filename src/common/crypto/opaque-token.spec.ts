import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashOpaqueToken, newOpaqueToken } from './opaque-token';

describe('opaque tokens', () => {
  it('carry 256 random bits, URL-safe, and never repeat', () => {
    const tokens = Array.from({ length: 2000 }, () => newOpaqueToken());
    for (const token of tokens) {
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(token, 'base64url').length, 32);
    }
    assert.equal(new Set(tokens).size, tokens.length);
  });

  it('are stored and looked up by their SHA-256, which is stable and never the token itself', () => {
    const token = newOpaqueToken();
    const hash = hashOpaqueToken(token);
    assert.equal(hash, createHash('sha256').update(token).digest('hex'));
    assert.equal(hashOpaqueToken(token), hash);
    assert.notEqual(hashOpaqueToken(newOpaqueToken()), hash);
    assert.ok(!hash.includes(token));
  });
});
