import { registerAs } from '@nestjs/config';
import { type Env, EnvReader } from './env-reader';

export interface EventsConfig {
  /** nats://host:4222; unset: events stay in process. */
  brokerUrl?: string;
  transport: 'nats';
  /** How often unpublished outbox rows are retried while the broker is away. */
  retryIntervalMs: number;
}

export function parseEventsConfig(env: Env): EventsConfig {
  const reader = new EnvReader(env);
  return {
    brokerUrl: reader.url('BROKER_URL'),
    transport: reader.oneOf('BROKER_TRANSPORT', ['nats'] as const, 'nats'),
    retryIntervalMs: reader.int('BROKER_RETRY_MS', 2000, { min: 100, max: 600_000 }),
  };
}

export const eventsConfig = registerAs('events', (): EventsConfig => parseEventsConfig(process.env));
