import { settingsToken } from './settings-token';
import { accessSync, constants } from 'node:fs';
import { ConfigError, type Env, EnvReader } from './env-reader';

export interface EventsConfig {
  /** nats://host:4222; unset: events stay in process. */
  brokerUrl?: string;
  transport: 'nats';
  /** How often unpublished outbox rows are retried while the broker is away. */
  retryIntervalMs: number;
  /** How long an instance holds the outbox rows it is publishing; a crashed instance's rows wait this long. */
  claimTtlSeconds: number;
  /** A NATS credentials file (user JWT + NKey seed). */
  credsFile?: string;
  /** CA bundle that signs the broker's TLS certificate. */
  tlsCaFile?: string;
  /**
   * The JetStream stream events are published into (subjects `profile.>` and `user.>`), so that a consumer that
   * was down receives what it missed; null (`BROKER_STREAM=off`): core NATS only.
   */
  stream: { name: string; maxAgeSeconds: number } | null;
}

export function parseEventsConfig(env: Env): EventsConfig {
  const reader = new EnvReader(env);
  return {
    brokerUrl: reader.url('BROKER_URL'),
    transport: reader.oneOf('BROKER_TRANSPORT', ['nats'] as const, 'nats'),
    retryIntervalMs: reader.int('BROKER_RETRY_MS', 2000, { min: 100, max: 600_000 }),
    claimTtlSeconds: reader.durationSeconds('OUTBOX_CLAIM_TTL', '30s'),
    credsFile: readableFile(reader, 'BROKER_CREDS'),
    tlsCaFile: readableFile(reader, 'BROKER_TLS_CA'),
    stream: parseStream(reader),
  };
}

export const eventsConfig = settingsToken<EventsConfig>('events', parseEventsConfig);

function parseStream(reader: EnvReader): EventsConfig['stream'] {
  const name = reader.string('BROKER_STREAM', 'PROFILE_EVENTS');
  if (name.toLowerCase() === 'off') return null;
  // JetStream stream names: no spaces, dots, wildcards or path separators.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
    throw new ConfigError('BROKER_STREAM', `must be a stream name of letters, digits, "_" and "-", or off; got "${name}"`);
  return { name, maxAgeSeconds: reader.durationSeconds('BROKER_STREAM_MAX_AGE', '7d') };
}

function readableFile(reader: EnvReader, name: string): string | undefined {
  const path = reader.optionalString(name);
  if (path === undefined) return undefined;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(name, `must name a readable file, got "${path}"`);
  }
  return path;
}
