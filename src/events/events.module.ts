import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { eventsConfig } from '../config/events.config';
import { EventPublisher } from './event-publisher';
import { natsConnectionOptions } from './nats-options';
import { OutboxEventEntity } from './outbox-event.entity';
import { OutboxService } from './outbox.service';

/**
 * Publishing account events on the broker. Without BROKER_URL there is no publisher, the outbox stays idle
 * and events are emitted in process only (EventEmitter2).
 */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEventEntity])],
  providers: [
    {
      provide: EventPublisher,
      inject: [eventsConfig.KEY],
      // The NATS client is loaded only when a broker is configured.
      useFactory: async (config: ConfigType<typeof eventsConfig>): Promise<EventPublisher | null> => {
        if (!config.brokerUrl) return null;
        const [{ NatsEventPublisher }, { credsAuthenticator }] = await Promise.all([import('./nats-event.publisher.js'), import('@nats-io/transport-node')]);
        return new NatsEventPublisher(natsConnectionOptions(config, credsAuthenticator), config.stream);
      },
    },
    OutboxService,
  ],
})
export class EventsModule {}
