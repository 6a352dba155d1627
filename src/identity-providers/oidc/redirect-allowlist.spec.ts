import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedRedirect, withError } from './redirect-allowlist';

const allowlist = [
  { origin: 'https://app.example', pathPrefix: '/after' },
  { origin: 'https://admin.example', pathPrefix: '/console/' },
  { origin: 'http://localhost:5173', pathPrefix: '/' },
];

describe('redirect allow-list', () => {
  it('allows the exact origin with the path prefix on a segment boundary', () => {
    assert.equal(allowedRedirect('https://app.example/after', allowlist), 'https://app.example/after');
    assert.equal(allowedRedirect('https://app.example/after/x?y=1#z', allowlist), 'https://app.example/after/x?y=1#z');
    assert.equal(allowedRedirect('https://APP.example:443/after/', allowlist), 'https://app.example/after/');
    assert.equal(allowedRedirect('https://admin.example/console/users', allowlist), 'https://admin.example/console/users');
    assert.equal(allowedRedirect('http://localhost:5173/anything', allowlist), 'http://localhost:5173/anything');
  });

  it('refuses everything else', () => {
    for (const value of [
      'https://app.example/afterwards',
      'https://app.example/',
      'https://app.example/after/../admin',
      'https://app.example/after/%2E%2E/admin',
      'https://app.example/after\\..\\admin',
      'http://app.example/after',
      'https://app.example:8443/after',
      'https://app.example.evil.example/after',
      'https://evil.example/after',
      'https://user:pass@app.example/after',
      'https://admin.example/console',
      'http://localhost:5174/',
      '//app.example/after',
      '/after',
      'javascript:alert(1)//https://app.example/after',
      'data:text/html,hi',
      `https://app.example/after/${'a'.repeat(2048)}`,
    ]) {
      assert.equal(allowedRedirect(value, allowlist), null, value);
    }
  });

  it('adds the error to the redirect and keeps its own query', () => {
    assert.equal(withError('https://app.example/after?tab=1', 'account_exists'), 'https://app.example/after?tab=1&error=account_exists');
  });
});
