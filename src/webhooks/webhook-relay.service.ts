import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { eventsConfig } from '#src/config/events.config';
import type { Settings } from '#src/config/settings-token';
import { webhooksConfig } from '#src/config/webhooks.config';
import { SingleDrain } from '#src/common/concurrency/single-drain';
import { Outbox, type RecordedEvent } from '#src/events/outbox';
import type { Transaction } from '#src/database/transaction-runner';
import { WebhookSender } from './delivery/webhook-sender';
import { webhookSignature } from './delivery/webhook-signature';
import { webhookBody } from './webhook-body';
import { type DueDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookEndpoints } from './webhook-endpoints';

const BATCH = 100;
/** How often an instance looks for due retries (and for work another instance recorded). */
const POLL_MS = 1000;

/**
 * Webhooks from the outbox. Each event becomes a delivery row per endpoint that wants it, in the event's own
 * transaction (so a change, its event and its deliveries commit together); after the commit the relay sends
 * them, at most WEBHOOK_CONCURRENCY at once, each signed afresh (Standard Webhooks 1.0) with the event id as
 * `webhook-id`. A 2xx is delivered; anything else, or no answer within WEBHOOK_TIMEOUT, is tried again after
 * the next wait of WEBHOOK_RETRY_SCHEDULE (with jitter), then given up; 410 Gone disables the endpoint.
 *
 * A delivery is sent only while no lower one for the same account and endpoint is pending, so receivers see an
 * account's events in order. Instances share the work through conditional claims; a claim of a crashed instance
 * lapses after WEBHOOK_TIMEOUT plus OUTBOX_CLAIM_TTL, and the delivery is sent again (at least once: receivers
 * de-duplicate by `webhook-id`).
 */
@Injectable()
export class WebhookRelay implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookRelay.name);
  private readonly sender: WebhookSender;
  private readonly runner = new SingleDrain(
    () => this.drain(),
    (error) => this.logger.warn(`webhooks: ${error.message}`),
  );
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly endpointIds: string[];

  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly outbox: Outbox,
    @Inject(webhooksConfig.KEY) private readonly config: Settings<typeof webhooksConfig>,
    @Inject(eventsConfig.KEY) private readonly events: Settings<typeof eventsConfig>,
  ) {
    this.endpointIds = endpoints.all.map((endpoint) => endpoint.id);
    this.sender = new WebhookSender({ timeoutMs: config.timeoutMs, allowPrivate: config.allowPrivate, maxSockets: config.concurrency });
  }

  onModuleInit(): void {
    if (this.endpoints.configured) this.outbox.listen((event, tx) => this.record(event, tx));
  }

  onApplicationBootstrap(): void {
    if (!this.endpoints.configured) return;
    this.timer = setInterval(() => this.kick(), POLL_MS).unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.runner.settled();
    this.sender.close();
  }

  kick(): void {
    if (!this.stopped && this.endpoints.configured) this.runner.kick();
  }

  /** One delivery per endpoint that wants the event, in the event's transaction. */
  private async record(event: RecordedEvent, tx: Transaction): Promise<void> {
    const wanting = this.endpoints.wanting(event.name);
    if (wanting.length === 0) return;
    await this.deliveries.insert(
      wanting.map((endpoint) => ({
        eventId: event.id,
        eventType: event.name,
        userId: event.payload.userId,
        endpointId: endpoint.id,
        body: webhookBody(event, endpoint),
        createdAt: event.createdAt,
      })),
      tx,
    );
    tx.afterCommit(() => this.kick());
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = new Date();
      // Only configured endpoints: rows of a removed one wait for the purge, and must not fill every batch.
      const due = await this.deliveries.due(this.endpointIds, now, BATCH);
      if (due.length === 0) return;
      const disabled = await this.deliveries.disabledEndpoints();
      let next = 0;
      const worker = async () => {
        while (next < due.length && !this.stopped) await this.attempt(due[next++], disabled);
      };
      await Promise.all(Array.from({ length: Math.min(this.config.concurrency, due.length) }, worker));
      if (due.length < BATCH || this.stopped) return;
    }
  }

  private async attempt(delivery: DueDelivery, disabled: Set<string>): Promise<void> {
    const endpoint = this.endpoints.byId(delivery.endpointId);
    const now = new Date();
    if (!endpoint) return;
    if (!(await this.deliveries.claim(delivery, now, new Date(now.getTime() + this.config.timeoutMs + this.events.claimTtlSeconds * 1000)))) return;
    if (disabled.has(endpoint.id)) {
      await this.deliveries.attemptFailed(delivery.id, { status: null, error: 'endpoint disabled (it answered 410 Gone)' }, now, null);
      return;
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const outcome = await this.sender.send(
      endpoint.url,
      {
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': webhookSignature(endpoint.secrets, delivery.eventId, timestamp, delivery.body),
        'user-agent': 'profile-service-webhooks/1',
      },
      delivery.body,
    );
    const at = new Date();
    if (outcome.error === null && outcome.status !== null) {
      await this.deliveries.delivered(delivery.id, outcome.status, at);
      return;
    }
    if (outcome.status === 410) {
      this.logger.error(`webhooks: ${shown(endpoint.url)} answered 410 Gone; disabled until its configuration changes`);
      await this.deliveries.attemptFailed(delivery.id, { status: 410, error: 'answered 410 Gone' }, at, null);
      await this.deliveries.disableEndpoint(endpoint.id, 'answered 410 Gone', at);
      disabled.add(endpoint.id);
      return;
    }
    const attempts = delivery.attempts + 1;
    const wait = this.config.retryScheduleMs[attempts - 1];
    const error = outcome.error ?? `answered ${outcome.status}`;
    if (wait === undefined)
      this.logger.warn(`webhooks: delivery ${delivery.id} (${delivery.eventType}) to ${shown(endpoint.url)} failed after ${attempts} attempts: ${error}`);
    // Jitter (±10 %) so that the deliveries of one outage do not all come back at the same instant.
    const retryAt = wait === undefined ? null : new Date(at.getTime() + Math.round(wait * (0.9 + Math.random() * 0.2)));
    await this.deliveries.attemptFailed(delivery.id, { status: outcome.status, error }, at, retryAt);
  }
}

/** An endpoint for the log: without its query, where some receivers keep a token of their own. */
function shown(url: string): string {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
}
