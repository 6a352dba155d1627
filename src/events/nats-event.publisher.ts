import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/transport-node';
import { type ClientNats, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { AccountEvents } from './account-events';
import { EventPublisher } from './event-publisher';
import type { NatsConnectionOptions } from './nats-options';

const PROBE_TIMEOUT_MS = 1000;
const PUBLISH_TIMEOUT_MS = 2000;
/** JetStream drops a message whose id it has seen within this window: an outbox re-send after a lost ack. */
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;
// The events by name, not `profile.>`: a stream on profile.get would answer its requests with a JetStream ack.
export const STREAM_SUBJECTS: string[] = Object.values(AccountEvents);

export interface StreamSettings {
  name: string;
  maxAgeSeconds: number;
}

/**
 * Publishes through @nestjs/microservices' NATS client, as the `{ pattern, data }` record Nest's own NATS
 * subscribers read. With a stream, into JetStream: a row is published once the stream has acknowledged it
 * (stored), with the message id set to the event's id so that a re-send is dropped as a duplicate; core
 * subscribers receive the same message live. Without one, a core publish and a flush.
 */
export class NatsEventPublisher extends EventPublisher {
  private readonly client: ClientNats;
  private streamReady: { connection: NatsConnection; client: JetStreamClient } | null = null;

  constructor(
    connection: NatsConnectionOptions,
    private readonly stream: StreamSettings | null,
  ) {
    super();
    // No reconnect loop inside the client: the outbox retries on its own schedule, and a failed publish
    // must fail fast rather than wait in a buffer that a crash would lose. A connection that dropped is
    // replaced by a new one on the next publish.
    this.client = ClientProxyFactory.create({ transport: Transport.NATS, options: { ...connection, reconnect: false, timeout: 2000 } }) as ClientNats;
  }

  async publish(name: string, payload: Record<string, unknown>): Promise<void> {
    const connection = (await this.client.connect()) as NatsConnection;
    if (this.stream) {
      const js = await this.jetStream(connection, this.stream);
      await js.publish(name, JSON.stringify({ pattern: name, data: payload }), { msgID: String(payload.eventId), timeout: PUBLISH_TIMEOUT_MS });
      return;
    }
    await lastValueFrom(this.client.emit(name, payload), { defaultValue: undefined });
    // A NATS publish is only buffered: the flush's round trip proves the server has it, so the outbox marks the
    // row published only then (a connection cut in between leaves it pending, to be sent again).
    await connection.flush();
  }

  /**
   * The stream, created on first use of a connection when it does not exist yet; an existing one keeps the
   * operator's settings, except that it is given the subjects of events added since it was made (an event the
   * stream does not take would otherwise hold up every event after it).
   */
  private async jetStream(connection: NatsConnection, stream: StreamSettings): Promise<JetStreamClient> {
    if (this.streamReady?.connection === connection) return this.streamReady.client;
    const manager = await jetstreamManager(connection, { timeout: PUBLISH_TIMEOUT_MS });
    const existing = await manager.streams.info(stream.name).catch(() => null);
    if (!existing) {
      await manager.streams.add({
        name: stream.name,
        subjects: STREAM_SUBJECTS,
        max_age: nanos(stream.maxAgeSeconds * 1000),
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      });
    } else {
      const subjects = existing.config.subjects ?? [];
      const missing = STREAM_SUBJECTS.filter((subject) => !subjects.includes(subject));
      if (missing.length > 0) await manager.streams.update(stream.name, { subjects: [...subjects, ...missing] });
    }
    this.streamReady = { connection, client: jetstream(connection, { timeout: PUBLISH_TIMEOUT_MS }) };
    return this.streamReady.client;
  }

  async isReachable(): Promise<boolean> {
    const probe = (async () => {
      const connection = (await this.client.connect()) as NatsConnection;
      await connection.flush();
      return true;
    })().catch(() => false);
    return Promise.race([probe, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), PROBE_TIMEOUT_MS).unref())]);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
