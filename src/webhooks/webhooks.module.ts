import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROFILE_CONNECTION } from '#src/database/profile-connection';
import { EventsModule } from '#src/events/events.module';
import { RetentionModule } from '#src/retention/retention.module';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookEndpoints } from './webhook-endpoints';
import { WebhookRelay } from './webhook-relay.service';
import { WebhooksHealth } from './webhooks-health';
import { WebhooksRetention } from './webhooks.retention';

/**
 * Signed, durable webhooks (Standard Webhooks 1.0) for services that are not on the broker: the endpoints of
 * WEBHOOKS / WEBHOOKS_FILE, a delivery row per event and endpoint recorded with the event, and the relay.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookDeliveryEntity, WebhookEndpointEntity], PROFILE_CONNECTION), EventsModule, RetentionModule],
  providers: [WebhookEndpoints, WebhookDeliveriesRepository, WebhookRelay, WebhooksRetention, WebhooksHealth],
  exports: [WebhooksHealth],
})
export class WebhooksModule {}
