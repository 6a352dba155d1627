import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseWebhooksConfig } from './webhooks.config';

const secret = (bytes = 32) => `whsec_${randomBytes(bytes).toString('base64')}`;
const inline = (entries: unknown) => ({ WEBHOOKS: JSON.stringify(entries) });

describe('webhook settings', () => {
  it('reads endpoints inline or from a file, with the documented defaults', () => {
    const key = secret();
    const config = parseWebhooksConfig(inline([{ url: 'https://hooks.example.com/in', events: ['profile.*'], secrets: [key] }]));
    assert.equal(config.endpoints.length, 1);
    assert.deepEqual(config.endpoints[0].secrets[0], Buffer.from(key.slice(6), 'base64'));
    assert.equal(config.endpoints[0].personalData, false);
    assert.equal(config.timeoutMs, 10_000);
    assert.deepEqual(
      config.retryScheduleMs,
      [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400].map((s) => s * 1000),
    );
    assert.equal(config.allowHttp, false);
    assert.equal(config.allowPrivate, false);
    assert.deepEqual(parseWebhooksConfig({}).endpoints, []);

    const file = join(mkdtempSync(join(tmpdir(), 'webhooks-')), 'hooks.json');
    writeFileSync(file, JSON.stringify([{ url: 'https://a.example.com/', events: ['>'], secrets: [key, secret(24)], personalData: true }]));
    const fromFile = parseWebhooksConfig({ WEBHOOKS_FILE: file, WEBHOOK_RETRY_SCHEDULE: '200ms,1s', WEBHOOK_TIMEOUT: '2s' });
    assert.equal(fromFile.source, 'WEBHOOKS_FILE');
    assert.equal(fromFile.endpoints[0].secrets.length, 2);
    assert.equal(fromFile.endpoints[0].personalData, true);
    assert.deepEqual(fromFile.retryScheduleMs, [200, 1000]);
    assert.equal(fromFile.timeoutMs, 2000);
  });

  it('refuses bad endpoints with one line naming the setting and the entry', () => {
    const key = secret();
    const refused: Array<[Record<string, string>, RegExp]> = [
      [{ WEBHOOKS: 'not json' }, /^Invalid configuration: WEBHOOKS must be a JSON list/],
      [inline({ url: 'https://a.example.com' }), /^Invalid configuration: WEBHOOKS must be a JSON list/],
      [inline([{ url: 'ftp://a.example.com', events: ['>'], secrets: [key] }]), /entry 0: url must be http\(s\)/],
      [inline([{ url: 'http://a.example.com', events: ['>'], secrets: [key] }]), /entry 0: url must use https/],
      [inline([{ url: 'https://u:p@a.example.com', events: ['>'], secrets: [key] }]), /entry 0: url must not carry credentials/],
      [inline([{ url: 'https://a.example.com', events: [], secrets: [key] }]), /entry 0: events must be a non-empty list/],
      [inline([{ url: 'https://a.example.com', events: ['profile.>.x'], secrets: [key] }]), /entry 0: events must be/],
      [inline([{ url: 'https://a.example.com', events: ['>'], secrets: [] }]), /entry 0: secrets must be a non-empty list/],
      [
        inline([{ url: 'https://a.example.com', events: ['>'], secrets: [secret(16)] }]),
        /entry 0: secrets\[0\] must be "whsec_" and the base64 of 24 to 64 random bytes/,
      ],
      [inline([{ url: 'https://a.example.com', events: ['>'], secrets: [key.slice(6)] }]), /entry 0: secrets\[0\]/],
      [inline([{ url: 'https://a.example.com', events: ['>'], secrets: [key], personalData: 'yes' }]), /entry 0: personalData must be true or false/],
      [inline([{ url: 'https://a.example.com', events: ['>'], secrets: [key], extra: 1 }]), /entry 0: unknown field\(s\) extra/],
      [
        inline([
          { url: 'https://a.example.com/x', events: ['>'], secrets: [key] },
          { url: 'https://a.example.com/x', events: ['user.*'], secrets: [key] },
        ]),
        /entry 1: https:\/\/a\.example\.com\/x is listed twice/,
      ],
      [{ ...inline([]), WEBHOOKS_FILE: '/tmp/x.json' }, /^Invalid configuration: WEBHOOKS and WEBHOOKS_FILE are both set/],
      [{ WEBHOOK_TIMEOUT: '0' }, /^Invalid configuration: WEBHOOK_TIMEOUT/],
      [{ WEBHOOK_RETRY_SCHEDULE: '5s,,5m' }, /^Invalid configuration: WEBHOOK_RETRY_SCHEDULE/],
      [{ WEBHOOK_CONCURRENCY: '0' }, /^Invalid configuration: WEBHOOK_CONCURRENCY/],
    ];
    for (const [env, message] of refused) {
      assert.throws(
        () => parseWebhooksConfig(env),
        (error: Error) => {
          assert.match(error.message, message);
          assert.equal(error.message.includes(key.slice(6)), false, 'never the secret');
          return true;
        },
        JSON.stringify(env),
      );
    }
  });

  it('allows plain http only when told', () => {
    const config = parseWebhooksConfig({ ...inline([{ url: 'http://a.example.com', events: ['>'], secrets: [secret()] }]), WEBHOOKS_ALLOW_HTTP: 'true' });
    assert.equal(config.endpoints[0].url, 'http://a.example.com/');
  });
});
