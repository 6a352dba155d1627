import { Injectable } from '@nestjs/common';
import { In, type Repository } from 'typeorm';
import { type Db, type Transaction, TransactionRunner } from '#src/database/transaction-runner';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

/** What the relay reads of a delivery to send it. */
export type DueDelivery = Pick<WebhookDeliveryEntity, 'id' | 'eventId' | 'eventType' | 'userId' | 'endpointId' | 'body' | 'attempts'>;

/** The attempts after which the health check reports an endpoint as failing. */
export const FAILING_AFTER_ATTEMPTS = 3;

/**
 * The statements of the webhook tables. Order is kept by one condition, used both to find work and to claim it:
 * a delivery is sent only when no lower one for the same account and endpoint is still pending.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly database: TransactionRunner) {}

  async insert(
    rows: Array<Pick<WebhookDeliveryEntity, 'eventId' | 'eventType' | 'userId' | 'endpointId' | 'body' | 'createdAt'>>,
    tx: Transaction,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.deliveries(tx).insert(
      rows.map((row) => ({
        ...row,
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: row.createdAt,
        claimedUntil: null,
        lastStatus: null,
        lastError: null,
        lastAttemptAt: null,
        finishedAt: null,
      })),
    );
  }

  /** Due deliveries to the given endpoints, lowest first, each the first pending one of its account and endpoint, nobody holds. */
  due(endpointIds: readonly string[], now: Date, limit: number): Promise<DueDelivery[]> {
    return this.deliveries()
      .createQueryBuilder('d')
      .select(['d.id', 'd.eventId', 'd.eventType', 'd.userId', 'd.endpointId', 'd.body', 'd.attempts'])
      .where("d.status = 'pending' AND d.next_attempt_at <= :now", { now })
      .andWhere({ endpointId: In([...endpointIds]) })
      .andWhere('(d.claimed_until IS NULL OR d.claimed_until < :now)', { now })
      .andWhere(`NOT EXISTS (${EARLIER_PENDING('d.endpoint_id', 'd.user_id', 'd.id')})`)
      .orderBy('d.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Conditional: of several instances one holds the delivery, and only while it is still the first of its chain. */
  async claim(delivery: DueDelivery, now: Date, until: Date): Promise<boolean> {
    const result = await this.deliveries()
      .createQueryBuilder()
      .update(WebhookDeliveryEntity)
      .set({ claimedUntil: until })
      .where("id = :id AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < :now)", { id: delivery.id, now })
      .andWhere(`NOT EXISTS (${EARLIER_PENDING(':endpointId', ':userId', ':id')})`, { endpointId: delivery.endpointId, userId: delivery.userId })
      .execute();
    return result.affected === 1;
  }

  delivered(id: number, status: number, at: Date): Promise<unknown> {
    return this.deliveries().update(
      { id },
      { status: 'delivered', lastStatus: status, lastError: null, lastAttemptAt: at, finishedAt: at, claimedUntil: null, attempts: () => 'attempts + 1' },
    );
  }

  /** A failed attempt: tried again at `retryAt`, or (null) given up. */
  attemptFailed(id: number, outcome: { status: number | null; error: string }, at: Date, retryAt: Date | null): Promise<unknown> {
    const attempt = {
      lastStatus: outcome.status,
      lastError: outcome.error.slice(0, 300),
      lastAttemptAt: at,
      claimedUntil: null,
      attempts: () => 'attempts + 1',
    };
    return this.deliveries().update({ id }, retryAt ? { ...attempt, nextAttemptAt: retryAt } : { ...attempt, status: 'failed', finishedAt: at });
  }

  /** The endpoint answered 410 Gone: it is disabled (for every instance) and what it still had pending has failed. */
  async disableEndpoint(endpointId: string, reason: string, at: Date): Promise<void> {
    await this.database.run(async (tx) => {
      await this.database.repository(WebhookEndpointEntity, tx).update({ id: endpointId }, { disabledAt: at, disabledReason: reason, updatedAt: at });
      await this.deliveries(tx).update(
        { endpointId, status: 'pending' },
        { status: 'failed', lastError: `endpoint disabled: ${reason}`.slice(0, 300), finishedAt: at, claimedUntil: null },
      );
    });
  }

  async disabledEndpoints(): Promise<Set<string>> {
    const rows = await this.database.repository(WebhookEndpointEntity).createQueryBuilder('e').select('e.id').where('e.disabled_at IS NOT NULL').getMany();
    return new Set(rows.map((row) => row.id));
  }

  /** Whether any configured endpoint is failing: a delivery past its third attempt, or disabled by a 410. */
  async anyFailing(endpointIds: readonly string[]): Promise<boolean> {
    if (endpointIds.length === 0) return false;
    const [struggling, disabled] = await Promise.all([
      this.deliveries()
        .createQueryBuilder('d')
        .select('d.id')
        .where("d.status = 'pending' AND d.attempts >= :attempts", { attempts: FAILING_AFTER_ATTEMPTS })
        .andWhere({ endpointId: In([...endpointIds]) })
        .limit(1)
        .getOne(),
      this.database
        .repository(WebhookEndpointEntity)
        .createQueryBuilder('e')
        .select('e.id')
        .where('e.disabled_at IS NOT NULL')
        .andWhere({ id: In([...endpointIds]) })
        .limit(1)
        .getOne(),
    ]);
    return struggling !== null || disabled !== null;
  }

  private deliveries(db?: Db): Repository<WebhookDeliveryEntity> {
    return this.database.repository(WebhookDeliveryEntity, db);
  }
}

/** A lower pending delivery of the same account and endpoint (the columns or parameters of the one at hand). */
function EARLIER_PENDING(endpoint: string, user: string, id: string): string {
  return `SELECT 1 FROM webhook_deliveries earlier WHERE earlier.endpoint_id = ${endpoint} AND earlier.user_id = ${user} AND earlier.status = 'pending' AND earlier.id < ${id}`;
}
