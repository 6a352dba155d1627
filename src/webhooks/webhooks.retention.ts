import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { In, LessThan, Not } from 'typeorm';
import { retentionConfig } from '#src/config/retention.config';
import type { Settings } from '#src/config/settings-token';
import { RetentionRules, ago } from '#src/retention/retention-rules';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpoints } from './webhook-endpoints';

/** Delivered or failed webhook deliveries, and those of an endpoint no longer configured: kept as long as sent outbox rows. */
@Injectable()
export class WebhooksRetention implements OnModuleInit {
  constructor(
    private readonly rules: RetentionRules,
    private readonly endpoints: WebhookEndpoints,
    @Inject(retentionConfig.KEY) private readonly config: Settings<typeof retentionConfig>,
  ) {}

  onModuleInit(): void {
    const { outboxSeconds } = this.config;
    const configured = this.endpoints.all.map((endpoint) => endpoint.id);
    this.rules.add<WebhookDeliveryEntity>({
      name: 'webhook deliveries',
      entity: WebhookDeliveryEntity,
      key: 'id',
      conditions: (now) => [
        { finishedAt: LessThan(ago(now, outboxSeconds)) },
        // Nobody sends these any more (with no endpoint configured, that is every pending one).
        { status: 'pending', ...(configured.length > 0 ? { endpointId: Not(In(configured)) } : {}), createdAt: LessThan(ago(now, outboxSeconds)) },
      ],
    });
  }
}
