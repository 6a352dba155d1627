import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAppConfig } from './app.config';
import { parsePasswordConfig } from './password.config';
import { parseAuthConfig } from './auth.config';
import { parseDatabaseConfig } from './database.config';
import { parseMailConfig } from './mail.config';
import { ConfigError, EnvReader, parseDurationSeconds } from './env-reader';

describe('configuration', () => {
  it('reads durations as the contract writes them', () => {
    assert.equal(parseDurationSeconds('300'), 300);
    assert.equal(parseDurationSeconds('300s'), 300);
    assert.equal(parseDurationSeconds('15m'), 900);
    assert.equal(parseDurationSeconds('12h'), 43200);
    assert.equal(parseDurationSeconds('30d'), 2592000);
    assert.equal(parseDurationSeconds('15 minutes'), undefined);
  });

  it('reads rate limits as <count>/<window>', () => {
    assert.deepEqual(new EnvReader({ X: '10/15m' }).rateLimit('X', '1/1s'), { limit: 10, windowSeconds: 900 });
    assert.deepEqual(new EnvReader({ X: '5/h' }).rateLimit('X', '1/1s'), { limit: 5, windowSeconds: 3600 });
    assert.throws(() => new EnvReader({ X: 'ten' }).rateLimit('X', '1/1s'), /X must look like/);
  });

  it('has working defaults with no configuration at all', () => {
    const auth = parseAuthConfig({});
    assert.equal(auth.accessTokenTtl, 900);
    assert.equal(auth.refreshTokenTtl, 30 * 86400);
    assert.equal(auth.stepUpTtl, 300);
    assert.equal(parsePasswordConfig({}).bcryptCost, 12);
    assert.equal(parsePasswordConfig({}).policy.minLength, 15);
    assert.equal(parsePasswordConfig({}).policy.requireDigit, false);
    assert.equal(parsePasswordConfig({}).pwnedPasswordsUrl, 'https://api.pwnedpasswords.com/range/');
    assert.equal(parsePasswordConfig({ PWNED_PASSWORDS_URL: '' }).pwnedPasswordsUrl, null, 'empty turns the check off');
    assert.deepEqual(auth.accountRateLimit, { limit: 10, windowSeconds: 900 });
    assert.ok(auth.reservedUsernames.includes('admin'));
    const app = parseAppConfig({});
    assert.equal(app.port, 3000);
    assert.equal(app.publicUrl, 'http://localhost:3000');
    assert.equal(app.trustProxy, false);
    assert.equal(app.cookieSecure, false);
  });

  it('stops with a message naming the variable on a bad value', () => {
    assert.throws(
      () => parseAppConfig({ PORT: 'eighty' }),
      (error: Error) => error instanceof ConfigError && /PORT/.test(error.message),
    );
    assert.throws(() => parseAuthConfig({ ACCESS_TOKEN_TTL: '15 minutes' }), /ACCESS_TOKEN_TTL/);
    assert.throws(() => parseAuthConfig({ JWT_PRIVATE_KEYS: 'secret' }), /JWT_PRIVATE_KEYS/);
    assert.throws(() => parseAppConfig({ PUBLIC_URL: 'not a url' }), /PUBLIC_URL/);
  });

  it('refuses weak bcrypt costs in production, and defaults cookies to Secure there', () => {
    assert.throws(() => parsePasswordConfig({ NODE_ENV: 'production', BCRYPT_COST: '8' }), /BCRYPT_COST/);
    assert.equal(parsePasswordConfig({ NODE_ENV: 'development', BCRYPT_COST: '8' }).bcryptCost, 8);
    assert.throws(() => parsePasswordConfig({ PASSWORD_MIN_LENGTH: '7' }), /PASSWORD_MIN_LENGTH/);
    assert.equal(parseAppConfig({ NODE_ENV: 'production' }).cookieSecure, true);
    assert.equal(parseAppConfig({ PUBLIC_URL: 'https://id.example.com' }).cookieSecure, true, 'an https service sends Secure cookies');
    assert.equal(parseAppConfig({ PUBLIC_URL: 'https://id.example.com', COOKIE_SECURE: 'false' }).cookieSecure, false);
  });

  it('names TRUST_PROXY for an entry that is no address or range, and refuses DATABASE_URL schemes other than postgres', () => {
    assert.throws(() => parseAppConfig({ TRUST_PROXY: '10.0.0.0/8,maybe' }), /TRUST_PROXY.*"maybe"/);
    assert.deepEqual(parseAppConfig({ TRUST_PROXY: '10.0.0.0/8, ::1, loopback' }).trustProxy, ['10.0.0.0/8', '::1', 'loopback']);
    assert.throws(() => parseDatabaseConfig({ DATABASE_URL: 'mysql://u@h/db' }), /DATABASE_URL/);
    assert.equal(parseDatabaseConfig({ DATABASE_URL: 'postgresql://u@h/db' }).kind, 'postgres');
  });

  it('refuses the file mail transport in production unless MAIL_TRANSPORT=file says so', () => {
    assert.throws(() => parseMailConfig({ NODE_ENV: 'production' }), /SMTP_URL/);
    assert.equal(parseMailConfig({ NODE_ENV: 'production', MAIL_TRANSPORT: 'file' }).transport, 'file');
    assert.equal(parseMailConfig({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25' }).transport, 'smtp');
    assert.equal(parseMailConfig({ NODE_ENV: 'production', MAIL_ENABLED: 'false' }).enabled, false);
    assert.equal(parseMailConfig({}).transport, 'file');
    assert.throws(() => parseMailConfig({ MAIL_TRANSPORT: 'smtp' }), /SMTP_URL/);
  });

  it('reads TRUST_PROXY as Fastify does', () => {
    assert.equal(parseAppConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(parseAppConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(parseAppConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1']);
  });
});
