import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseAuthConfig } from '#src/config/auth.config';
import { commonPasswords } from './common-passwords';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';

describe('PasswordPolicy', () => {
  const config = parseAuthConfig({ BCRYPT_COST: '4' });
  const hasher = new PasswordHasher(config);
  const policy = new PasswordPolicy(config, hasher);
  before(() => hasher.onModuleInit());

  it('accepts a strong password', async () => {
    assert.deepEqual(await policy.evaluate('Vq8#mZt!rW2p'), []);
  });

  it('reports every failed rule at once', async () => {
    assert.deepEqual(await policy.evaluate('QZXV'), ['too_short', 'missing_lowercase', 'missing_digit', 'missing_special']);
  });

  it('finds common passwords, also by their base word without trailing digits and symbols', async () => {
    assert.deepEqual(await policy.evaluate('Password1!'), ['common']);
    assert.deepEqual(await policy.evaluate('Dragon42!'), ['common']);
    assert.deepEqual(await policy.evaluate('LETMEIN2024#a'), []);
  });

  it('counts code points after NFC and refuses more than 72 UTF-8 bytes instead of truncating', async () => {
    assert.deepEqual(await policy.evaluate('Ab1!éééé'), []);
    assert.deepEqual(await policy.evaluate(`Ab1!${'€'.repeat(23)}`), ['too_long'], '4 + 69 bytes');
    assert.deepEqual(await policy.evaluate(`Ab1!${'x'.repeat(125)}`), ['too_long'], '129 characters');
  });

  it('refuses the user’s own email local part or username, and the current password', async () => {
    assert.deepEqual(await policy.evaluate('Xx9!adaLovelace', { email: 'adalovelace@example.com' }), ['contains_user_info']);
    assert.deepEqual(await policy.evaluate('Xx9!countess', { username: 'countess' }), ['contains_user_info']);
    const currentHash = await hasher.hash('Vq8#mZt!rW2p');
    assert.deepEqual(await policy.evaluate('Vq8#mZt!rW2p', { currentHash }), ['same_as_current']);
  });

  it('bundles at least 10 000 common passwords', () => {
    assert.ok(commonPasswords().size >= 10000);
  });
});
