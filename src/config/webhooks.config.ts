import { readFileSync } from 'node:fs';
import { settingsToken } from './settings-token';
import { ConfigError, type Env, EnvReader } from './env-reader';

export interface WebhookEndpointConfig {
  url: string;
  /** Broker subjects, NATS wildcards: `*` one token, `>` the rest. */
  events: string[];
  /** `whsec_<base64>` secrets, decoded; every one signs every delivery, so a secret rotates with no gap. */
  secrets: Buffer[];
  /** Adds the email to `before`/`after`. */
  personalData: boolean;
}

export interface WebhooksConfig {
  endpoints: WebhookEndpointConfig[];
  /** The setting the endpoints came from, for messages (`WEBHOOKS` or `WEBHOOKS_FILE`). */
  source: 'WEBHOOKS' | 'WEBHOOKS_FILE';
  timeoutMs: number;
  /** The wait after the n-th failed attempt; one more failure than there are entries and the delivery has failed. */
  retryScheduleMs: number[];
  concurrency: number;
  allowHttp: boolean;
  allowPrivate: boolean;
}

const DURATION = /^(\d+)\s*(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SUBJECT_TOKEN = /^(?:[a-z0-9_-]+|\*|>)$/;
const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

export function parseWebhooksConfig(env: Env): WebhooksConfig {
  const reader = new EnvReader(env);
  const allowHttp = reader.bool('WEBHOOKS_ALLOW_HTTP', false);
  const allowPrivate = reader.bool('WEBHOOKS_ALLOW_PRIVATE', false);
  const inline = reader.raw('WEBHOOKS');
  const file = reader.raw('WEBHOOKS_FILE');
  if (inline !== undefined && file !== undefined) throw new ConfigError('WEBHOOKS', 'and WEBHOOKS_FILE are both set; use one');
  const source = file !== undefined ? 'WEBHOOKS_FILE' : 'WEBHOOKS';
  const text = file !== undefined ? readEndpointsFile(file) : inline;
  const endpoints = text === undefined ? [] : parseEndpoints(text, source, { allowHttp });
  return {
    endpoints,
    source,
    timeoutMs: durationMs(reader, 'WEBHOOK_TIMEOUT', '10s'),
    retryScheduleMs: (reader.raw('WEBHOOK_RETRY_SCHEDULE') ?? '5s,5m,30m,2h,5h,10h,14h,20h,24h')
      .split(',')
      .map((part) => parseDuration('WEBHOOK_RETRY_SCHEDULE', part)),
    concurrency: reader.int('WEBHOOK_CONCURRENCY', 8, { min: 1, max: 256 }),
    allowHttp,
    allowPrivate,
  };
}

export const webhooksConfig = settingsToken<WebhooksConfig>('webhooks', parseWebhooksConfig);

function readEndpointsFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('WEBHOOKS_FILE', `must name a readable JSON file, got "${path}" (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

function parseEndpoints(text: string, source: WebhooksConfig['source'], rules: { allowHttp: boolean }): WebhookEndpointConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(source, 'must be a JSON list of endpoints ([{ "url", "events", "secrets" }])');
  }
  if (!Array.isArray(parsed)) throw new ConfigError(source, 'must be a JSON list of endpoints ([{ "url", "events", "secrets" }])');
  const endpoints = parsed.map((entry, index) => parseEndpoint(entry, (problem) => new ConfigError(source, `entry ${index}: ${problem}`), rules));
  const urls = new Set<string>();
  for (const [index, { url }] of endpoints.entries()) {
    if (urls.has(url))
      throw new ConfigError(source, `entry ${index}: ${new URL(url).origin}${new URL(url).pathname} is listed twice; give one entry all the events it wants`);
    urls.add(url);
  }
  return endpoints;
}

function parseEndpoint(entry: unknown, fail: (problem: string) => ConfigError, rules: { allowHttp: boolean }): WebhookEndpointConfig {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw fail('must be an object');
  const { url, events, secrets, personalData, ...rest } = entry as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw fail(`unknown field(s) ${unknown.join(', ')} (url, events, secrets, personalData)`);
  if (typeof url !== 'string' || !URL.canParse(url)) throw fail('url must be an absolute URL');
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw fail('url must be http(s)');
  if (target.protocol === 'http:' && !rules.allowHttp)
    throw fail(`url must use https (plain http only with WEBHOOKS_ALLOW_HTTP=true): ${target.origin}${target.pathname}`);
  if (target.username || target.password) throw fail('url must not carry credentials; the signature authenticates the call');
  if (!Array.isArray(events) || events.length === 0 || !events.every((subject) => typeof subject === 'string' && isSubjectPattern(subject))) {
    throw fail('events must be a non-empty list of subjects such as "profile.*", "user.deleted" or ">"');
  }
  if (!Array.isArray(secrets) || secrets.length === 0) throw fail('secrets must be a non-empty list of "whsec_<base64>" secrets');
  const keys = secrets.map((secret, position) => {
    const match = typeof secret === 'string' ? SECRET.exec(secret) : null;
    const key = match ? Buffer.from(match[1], 'base64') : null;
    // Standard Webhooks: 24 to 64 random bytes.
    if (!key || key.length < 24 || key.length > 64) throw fail(`secrets[${position}] must be "whsec_" and the base64 of 24 to 64 random bytes`);
    return key;
  });
  if (personalData !== undefined && typeof personalData !== 'boolean') throw fail('personalData must be true or false');
  return { url: target.toString(), events: events as string[], secrets: keys, personalData: personalData === true };
}

function isSubjectPattern(subject: string): boolean {
  const tokens = subject.split('.');
  return tokens.every((token, index) => SUBJECT_TOKEN.test(token) && (token !== '>' || index === tokens.length - 1));
}

function durationMs(reader: EnvReader, name: string, fallback: string): number {
  return parseDuration(name, reader.raw(name) ?? fallback);
}

function parseDuration(name: string, value: string): number {
  const match = DURATION.exec(value.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? 's'] : NaN;
  if (!(ms > 0)) throw new ConfigError(name, `must be positive durations such as 500ms, 5s, 5m or 2h, got "${value}"`);
  return ms;
}
