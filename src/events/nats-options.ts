import { readFileSync } from 'node:fs';
import type { EventsConfig } from '#src/config/events.config';

export interface NatsConnectionOptions {
  servers: string[];
  user?: string;
  pass?: string;
  /** From BROKER_CREDS: a NATS credentials file (user JWT and NKey seed). */
  authenticator?: unknown;
  tls?: { caFile: string };
}

/**
 * How this service authenticates to the broker, for both its publisher and its request/response server:
 * `nats://user:pass@host:4222` (the credentials are taken out of the URL), a credentials file
 * (BROKER_CREDS), and a CA bundle to verify the server's TLS certificate (BROKER_TLS_CA). The NATS client is
 * loaded lazily by the callers, so it is passed in.
 */
export function natsConnectionOptions(config: EventsConfig, credsAuthenticator: (creds: Uint8Array) => unknown): NatsConnectionOptions {
  const url = new URL(config.brokerUrl as string);
  const options: NatsConnectionOptions = { servers: [] };
  if (url.username) options.user = decodeURIComponent(url.username);
  if (url.password) options.pass = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  options.servers.push(url.toString().replace(/\/$/, ''));
  if (config.credsFile) options.authenticator = credsAuthenticator(readFileSync(config.credsFile));
  if (config.tlsCaFile) options.tls = { caFile: config.tlsCaFile };
  return options;
}
