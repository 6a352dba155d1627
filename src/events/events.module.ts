import { type DynamicModule, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { eventsConfig } from '../config/events.config';
import { EventPublisher } from './event-publisher';
import { OutboxEntityModule } from './outbox-entity.module';
import { OutboxService } from './outbox.service';

/**
 * Publishing account events on the broker. Without BROKER_URL this module adds nothing: events stay in
 * process (EventEmitter2) and no outbox rows are written.
 */
@Module({})
export class EventsModule {
  static forBroker(brokerUrl: string | undefined): DynamicModule {
    if (!brokerUrl) return { module: EventsModule };
    return {
      module: EventsModule,
      imports: [OutboxEntityModule],
      providers: [
        {
          provide: EventPublisher,
          inject: [eventsConfig.KEY],
          useFactory: async (config: ConfigType<typeof eventsConfig>): Promise<EventPublisher> => {
            const { NatsEventPublisher } = await import('./nats-event.publisher.js');
            return new NatsEventPublisher(config.brokerUrl as string);
          },
        },
        OutboxService,
      ],
    };
  }
}
