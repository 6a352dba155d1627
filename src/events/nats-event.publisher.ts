import type { NatsConnection } from '@nats-io/transport-node';
import { type ClientNats, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { EventPublisher } from './event-publisher';
import type { NatsConnectionOptions } from './nats-options';

const PROBE_TIMEOUT_MS = 1000;

/** Publishes through @nestjs/microservices' NATS client (events, no reply expected). */
export class NatsEventPublisher extends EventPublisher {
  private readonly client: ClientNats;

  constructor(connection: NatsConnectionOptions) {
    super();
    // No reconnect loop inside the client: the outbox retries on its own schedule, and a failed publish
    // must fail fast rather than wait in a buffer that a crash would lose. A connection that dropped is
    // replaced by a new one on the next publish.
    this.client = ClientProxyFactory.create({ transport: Transport.NATS, options: { ...connection, reconnect: false, timeout: 2000 } }) as ClientNats;
  }

  async publish(name: string, payload: Record<string, unknown>): Promise<void> {
    const connection = (await this.client.connect()) as NatsConnection;
    await lastValueFrom(this.client.emit(name, payload), { defaultValue: undefined });
    // A NATS publish is only buffered: the flush's round trip proves the server has it, so the outbox marks the
    // row published only then (a connection cut in between leaves it pending, to be sent again).
    await connection.flush();
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
