import { Module } from '@nestjs/common';
import { RetentionModule } from '#src/retention/retention.module';
import { OutboxRetention } from './outbox.retention';
import { TypeOrmModule } from '@nestjs/typeorm';
import { eventsConfig } from '#src/config/events.config';
import type { Settings } from '#src/config/settings-token';
import { PROFILE_CONNECTION } from '#src/database/profile-connection';
import { EventPublisher } from './event-publisher';
import { natsConnectionOptions } from './nats-options';
import { OutboxEventEntity } from './outbox-event.entity';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay.service';

/**
 * Account events: the outbox a change records them in (always), and with BROKER_URL the relay that publishes
 * them on the broker. Without a broker, events are emitted in process only (EventEmitter2).
 */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEventEntity], PROFILE_CONNECTION), RetentionModule],
  providers: [
    {
      provide: EventPublisher,
      inject: [eventsConfig.KEY],
      // The NATS client is loaded only when a broker is configured.
      useFactory: async (config: Settings<typeof eventsConfig>): Promise<EventPublisher | null> => {
        if (!config.brokerUrl) return null;
        const [{ NatsEventPublisher }, { credsAuthenticator }] = await Promise.all([import('./nats-event.publisher.js'), import('@nats-io/transport-node')]);
        return new NatsEventPublisher(natsConnectionOptions(config, credsAuthenticator), config.stream);
      },
    },
    OutboxRelay,
    Outbox,
    OutboxRetention,
  ],
  exports: [Outbox],
})
export class EventsModule {}
