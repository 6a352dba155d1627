import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePasswordConfig } from '#src/config/password.config';
import { BreachedPasswords } from './breached-passwords';
import { commonPasswords } from './common-passwords';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';

async function policyWith(env: Record<string, string> = {}) {
  const config = parsePasswordConfig({ BCRYPT_COST: '4', PWNED_PASSWORDS_URL: '', ...env });
  const hasher = new PasswordHasher(config);
  await hasher.onModuleInit();
  const policy = new PasswordPolicy(config, hasher, new BreachedPasswords(config));
  return { hasher, reasons: async (password: string, context = {}) => (await policy.evaluate(password.normalize('NFKC'), context)).reasons };
}

describe('PasswordPolicy (NIST SP 800-63B-4)', () => {
  it('takes a long passphrase without composition rules, and refuses anything under 15 characters', async () => {
    const { reasons } = await policyWith();
    assert.deepEqual(await reasons('correct horse battery staple'), []);
    assert.deepEqual(await reasons('all lower case words here'), []);
    assert.deepEqual(await reasons('Vq8#mZt!rW2p'), ['too_short'], 'twelve characters of every class are still too short');
  });

  it('turns the four classes back on with PASSWORD_REQUIRE_CLASSES, reporting every failed rule at once', async () => {
    const { reasons } = await policyWith({ PASSWORD_REQUIRE_CLASSES: 'true', PASSWORD_MIN_LENGTH: '8' });
    assert.deepEqual(await reasons('QZXVQZXV'), ['missing_lowercase', 'missing_digit', 'missing_special']);
    assert.deepEqual(await reasons('Vq8#mZt!rW2p'), []);
  });

  it('finds common passwords, also by their base word without trailing digits and symbols', async () => {
    const { reasons } = await policyWith({ PASSWORD_MIN_LENGTH: '8' });
    assert.deepEqual(await reasons('Password1!'), ['common']);
    assert.deepEqual(await reasons('Dragon42!'), ['common']);
    assert.deepEqual(await reasons('LETMEIN2024#a'), []);
  });

  it('counts code points after NFKC and refuses more than 72 UTF-8 bytes (bcrypt’s limit) instead of truncating', async () => {
    const { reasons } = await policyWith();
    assert.deepEqual(await reasons('éééé ñññ üüü ççç'), []);
    assert.deepEqual(await reasons(`Ab1!${'€'.repeat(23)}`), ['too_long'], '4 + 69 bytes');
    assert.deepEqual(await reasons(`Ab1!${'x'.repeat(125)}`), ['too_long'], '129 characters');
    assert.deepEqual(await reasons('a'.repeat(64)), [], 'a 64-character ASCII passphrase always fits');
  });

  it('refuses the user’s own email local part, username or display name, the service’s name, and the current password', async () => {
    const { reasons, hasher } = await policyWith({ PRODUCT_NAME: 'Acme Accounts' });
    assert.deepEqual(await reasons('purple adaLovelace rain', { email: 'adalovelace@example.com' }), ['contains_user_info']);
    assert.deepEqual(await reasons('purple countess of rain', { username: 'countess' }), ['contains_user_info']);
    assert.deepEqual(await reasons('purple rain by ada byron', { displayName: 'Ada Byron' }), ['contains_user_info']);
    assert.deepEqual(await reasons('my acme-accounts passphrase'), ['contains_user_info'], 'PASSWORD_CONTEXT_WORDS defaults to the product name');
    const currentHash = await hasher.hash('a quiet walk at dawn');
    assert.deepEqual(await reasons('a quiet walk at dawn', { currentHash }), ['same_as_current']);
  });

  it('says "not checked" (null) while the breach check is off, so the password is checked once it is on', async () => {
    const config = parsePasswordConfig({ BCRYPT_COST: '4', PWNED_PASSWORDS_URL: '' });
    const policy = new PasswordPolicy(config, new PasswordHasher(config), new BreachedPasswords(config));
    assert.deepEqual(await policy.evaluate('lantern orchard velvet compass'), { reasons: [], breachCount: null });
  });

  it('bundles at least 10 000 common passwords', () => {
    assert.ok(commonPasswords().size >= 10000);
  });
});
