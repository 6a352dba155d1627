import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { IsNull, LessThan } from 'typeorm';
import { eventsConfig } from '#src/config/events.config';
import { retentionConfig } from '#src/config/retention.config';
import type { Settings } from '#src/config/settings-token';
import { RetentionRules, ago } from '#src/retention/retention-rules';
import { OutboxEventEntity } from './outbox-event.entity';

/** Published outbox rows older than OUTBOX_RETENTION (and, without a broker, rows nobody will relay). */
@Injectable()
export class OutboxRetention implements OnModuleInit {
  constructor(
    private readonly rules: RetentionRules,
    @Inject(eventsConfig.KEY) private readonly events: Settings<typeof eventsConfig>,
    @Inject(retentionConfig.KEY) private readonly config: Settings<typeof retentionConfig>,
  ) {}

  onModuleInit(): void {
    const { outboxSeconds } = this.config;
    const brokerConfigured = this.events.brokerUrl !== undefined;
    this.rules.add<OutboxEventEntity>({
      name: 'outbox rows',
      entity: OutboxEventEntity,
      key: 'id',
      // With a broker, unpublished rows wait for it however old they are; without one, nobody relays them.
      conditions: (now) => [
        { publishedAt: LessThan(ago(now, outboxSeconds)) },
        ...(brokerConfigured ? [] : [{ publishedAt: IsNull(), createdAt: LessThan(ago(now, outboxSeconds)) }]),
      ],
    });
  }
}
