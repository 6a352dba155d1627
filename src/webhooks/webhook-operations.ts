import { type EntityManager, In, MoreThanOrEqual } from 'typeorm';
import { type DeliveryStatus, WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export interface EndpointSummary {
  id: string;
  url: string;
  disabledAt: Date | null;
  disabledReason: string | null;
  counts: Record<DeliveryStatus, number>;
  /** Pending deliveries already tried at least once: the ones waiting for a retry. */
  retrying: number;
}

export interface ReplayOutcome {
  replayed: number[];
  /** Of those, the ones whose endpoint is disabled (a 410): they fail again until its configuration changes. */
  toDisabledEndpoint: number[];
}

/**
 * What operators do with webhook deliveries (`npm run webhooks`), on any connection to the service's database:
 * see the endpoints and what failed, and send deliveries again. A replayed delivery keeps its event id (the
 * receiver's `webhook-id`, so it de-duplicates) and its place in the account's order; the running service sends
 * it within a second.
 */
export class WebhookOperations {
  constructor(private readonly manager: EntityManager) {}

  async endpoints(): Promise<EndpointSummary[]> {
    const endpoints = await this.manager.getRepository(WebhookEndpointEntity).find({ order: { url: 'ASC' } });
    const counts: Array<{ endpoint_id: string; status: DeliveryStatus; retrying: boolean | number | string; n: number | string }> = await this.manager
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .select('d.endpoint_id', 'endpoint_id')
      .addSelect('d.status', 'status')
      .addSelect("CASE WHEN d.status = 'pending' AND d.attempts > 0 THEN 1 ELSE 0 END", 'retrying')
      .addSelect('COUNT(*)', 'n')
      .groupBy('d.endpoint_id')
      .addGroupBy('d.status')
      .addGroupBy("CASE WHEN d.status = 'pending' AND d.attempts > 0 THEN 1 ELSE 0 END")
      .getRawMany();
    return endpoints.map((endpoint) => {
      const mine = counts.filter((row) => row.endpoint_id === endpoint.id);
      const total = (status: DeliveryStatus) => mine.filter((row) => row.status === status).reduce((sum, row) => sum + Number(row.n), 0);
      return {
        id: endpoint.id,
        url: endpoint.url,
        disabledAt: endpoint.disabledAt,
        disabledReason: endpoint.disabledReason,
        counts: { pending: total('pending'), delivered: total('delivered'), failed: total('failed') },
        retrying: mine.filter((row) => Number(row.retrying) === 1).reduce((sum, row) => sum + Number(row.n), 0),
      };
    });
  }

  /** Failed deliveries, the latest first. */
  failed(limit = 100): Promise<WebhookDeliveryEntity[]> {
    return this.manager.getRepository(WebhookDeliveryEntity).find({
      select: {
        id: true,
        eventId: true,
        eventType: true,
        userId: true,
        endpointId: true,
        attempts: true,
        lastStatus: true,
        lastError: true,
        lastAttemptAt: true,
        createdAt: true,
      },
      where: { status: 'failed' },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  /** One delivery (failed or delivered) back to pending; null if there is none with that id. */
  async replay(id: number): Promise<ReplayOutcome | null> {
    const delivery = await this.manager.getRepository(WebhookDeliveryEntity).findOne({ select: { id: true, status: true, endpointId: true }, where: { id } });
    if (!delivery) return null;
    if (delivery.status === 'pending') return { replayed: [], toDisabledEndpoint: [] };
    return this.reopen([delivery]);
  }

  /** Every delivery that failed since `since`. */
  async replayFailedSince(since: Date): Promise<ReplayOutcome> {
    const failed = await this.manager
      .getRepository(WebhookDeliveryEntity)
      .find({ select: { id: true, endpointId: true }, where: { status: 'failed', finishedAt: MoreThanOrEqual(since) }, order: { id: 'ASC' } });
    return this.reopen(failed);
  }

  private async reopen(deliveries: Array<Pick<WebhookDeliveryEntity, 'id' | 'endpointId'>>): Promise<ReplayOutcome> {
    if (deliveries.length === 0) return { replayed: [], toDisabledEndpoint: [] };
    const ids = deliveries.map((delivery) => delivery.id);
    await this.manager
      .getRepository(WebhookDeliveryEntity)
      .update({ id: In(ids) }, { status: 'pending', attempts: 0, nextAttemptAt: new Date(), claimedUntil: null, finishedAt: null });
    const disabled = await this.manager
      .getRepository(WebhookEndpointEntity)
      .find({ select: { id: true, disabledAt: true }, where: { id: In([...new Set(deliveries.map((d) => d.endpointId))]) } });
    const disabledIds = new Set(disabled.filter((endpoint) => endpoint.disabledAt !== null).map((endpoint) => endpoint.id));
    return { replayed: ids, toDisabledEndpoint: deliveries.filter((delivery) => disabledIds.has(delivery.endpointId)).map((delivery) => delivery.id) };
  }
}
