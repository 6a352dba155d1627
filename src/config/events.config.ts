import { registerAs } from '@nestjs/config';
import { accessSync, constants } from 'node:fs';
import { ConfigError, type Env, EnvReader } from './env-reader';

export interface EventsConfig {
  /** nats://host:4222; unset: events stay in process. */
  brokerUrl?: string;
  transport: 'nats';
  /** How often unpublished outbox rows are retried while the broker is away. */
  retryIntervalMs: number;
  /** A NATS credentials file (user JWT + NKey seed). */
  credsFile?: string;
  /** CA bundle that signs the broker's TLS certificate. */
  tlsCaFile?: string;
}

export function parseEventsConfig(env: Env): EventsConfig {
  const reader = new EnvReader(env);
  return {
    brokerUrl: reader.url('BROKER_URL'),
    transport: reader.oneOf('BROKER_TRANSPORT', ['nats'] as const, 'nats'),
    retryIntervalMs: reader.int('BROKER_RETRY_MS', 2000, { min: 100, max: 600_000 }),
    credsFile: readableFile(reader, 'BROKER_CREDS'),
    tlsCaFile: readableFile(reader, 'BROKER_TLS_CA'),
  };
}

export const eventsConfig = registerAs('events', (): EventsConfig => parseEventsConfig(process.env));

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
