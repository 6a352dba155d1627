import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOidcConfig } from './oidc.config';

const provider = { id: 'acme', issuer: 'https://id.acme.example', clientId: 'profile', clientSecret: 's3cret' };
const parse = (providers: unknown, extra: Record<string, string> = {}) => parseOidcConfig({ OIDC_PROVIDERS: JSON.stringify(providers), ...extra });

describe('OIDC settings', () => {
  it('reads providers with defaults for name and scopes, and always asks for openid', () => {
    const config = parse([provider, { ...provider, id: 'globex', name: 'Globex', scopes: ['email'] }]);
    assert.deepEqual(config.providers[0], { ...provider, name: 'acme', scopes: ['openid', 'email', 'profile'] });
    assert.deepEqual(config.providers[1].scopes, ['openid', 'email']);
    assert.equal(config.providers[1].name, 'Globex');
    assert.deepEqual(parseOidcConfig({}).providers, []);
  });

  it('refuses what would be unsafe or ambiguous, naming the variable', () => {
    for (const bad of [
      'not json',
      { ...provider },
      [{ ...provider, issuer: 'http://id.acme.example' }],
      [{ ...provider, id: 'password' }],
      [{ ...provider, id: 'Has Spaces' }],
      [{ ...provider, clientId: '' }],
      [{ ...provider, scopes: ['openid email'] }],
      [provider, provider],
    ]) {
      assert.throws(() => parseOidcConfig({ OIDC_PROVIDERS: typeof bad === 'string' ? bad : JSON.stringify(bad) }), /OIDC_PROVIDERS/, JSON.stringify(bad));
    }
    assert.equal(parse([{ ...provider, issuer: 'http://127.0.0.1:9000' }]).providers[0].issuer, 'http://127.0.0.1:9000');
  });

  it('allows the listed redirect targets and the default one', () => {
    const config = parse([], { OIDC_REDIRECT_ALLOWLIST: 'https://app.example/after, http://localhost:5173/', PUBLIC_URL: 'https://id.example' });
    assert.equal(config.defaultRedirect, 'https://id.example/api/docs');
    assert.deepEqual(config.redirectAllowlist, [
      { origin: 'https://app.example', pathPrefix: '/after' },
      { origin: 'http://localhost:5173', pathPrefix: '/' },
      { origin: 'https://id.example', pathPrefix: '/api/docs' },
    ]);
    assert.equal(config.callbackBaseUrl, 'https://id.example/api/auth/oidc');
    for (const bad of ['app.example/after', 'https://app.example/after?x=1', 'https://u:p@app.example/', 'ftp://app.example/']) {
      assert.throws(() => parse([], { OIDC_REDIRECT_ALLOWLIST: bad }), /OIDC_REDIRECT_ALLOWLIST/, bad);
    }
  });
});
