import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { EventPublisher } from './event-publisher';

/** Publishes through @nestjs/microservices' NATS client (events, no reply expected). */
export class NatsEventPublisher extends EventPublisher {
  private readonly client: ClientProxy;

  constructor(url: string) {
    super();
    // No reconnect loop inside the client: the outbox retries on its own schedule, and a failed publish
    // must fail fast rather than wait in a buffer that a crash would lose.
    this.client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [url], reconnect: false, timeout: 2000 } });
  }

  async publish(name: string, payload: Record<string, unknown>): Promise<void> {
    await this.client.connect();
    await lastValueFrom(this.client.emit(name, payload), { defaultValue: undefined });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
