import { Injectable } from '@nestjs/common';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookEndpoints } from './webhook-endpoints';

/** `checks.webhooks` of the health route: only with endpoints configured. */
@Injectable()
export class WebhooksHealth {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  /** `failing` while a delivery is past its third attempt or an endpoint is disabled; undefined without endpoints. */
  async check(): Promise<'ok' | 'failing' | undefined> {
    if (!this.endpoints.configured) return undefined;
    const failing = await this.deliveries.anyFailing(this.endpoints.all.map((endpoint) => endpoint.id)).catch(() => false);
    return failing ? 'failing' : 'ok';
  }
}
