import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { eventsConfig } from '../config/events.config';
import { AccountEvents } from '../users/account-events';
import { EventPublisher } from './event-publisher';
import { OutboxEventEntity } from './outbox-event.entity';

const BATCH = 100;

/**
 * Relays the account events to the broker: every event emitted in process (after its change committed) is
 * written to the outbox with a unique eventId, then published; rows the broker did not take are retried
 * until it does. Delivery is at-least-once: consumers de-duplicate by eventId. A broker that is down never
 * fails or delays the user's request.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxService.name);
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private again = false;

  constructor(
    @InjectRepository(OutboxEventEntity) private readonly outbox: Repository<OutboxEventEntity>,
    /** Null without BROKER_URL: then nothing is recorded or relayed. */
    @Inject(EventPublisher) private readonly publisher: EventPublisher | null,
    private readonly emitter: EventEmitter2,
    @Inject(eventsConfig.KEY) private readonly config: ConfigType<typeof eventsConfig>,
  ) {}

  private async enqueue(name: string, payload: object): Promise<void> {
    const id = randomUUID();
    await this.outbox.insert({ id, name, payload: JSON.stringify({ eventId: id, ...payload }), createdAt: new Date(), publishedAt: null, attempts: 0 });
    this.kick();
  }

  onApplicationBootstrap(): void {
    if (!this.publisher) return;
    for (const name of Object.values(AccountEvents)) {
      this.emitter.on(name, (payload: object) => {
        this.enqueue(name, payload).catch((error: Error) => this.logger.error(`outbox write failed for ${name}: ${error.message}`));
      });
    }
    this.timer = setInterval(() => this.kick(), this.config.retryIntervalMs).unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.draining;
    await this.publisher?.close().catch(() => undefined);
  }

  /** Publishes pending rows, oldest first; one drain at a time, re-run if events arrived meanwhile. */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((error: Error) => this.logger.warn(`outbox: ${error.message}`))
      .finally(() => {
        this.draining = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    const publisher = this.publisher;
    if (!publisher) return;
    for (;;) {
      const pending = await this.outbox.find({ where: { publishedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' }, take: BATCH });
      for (const event of pending) {
        try {
          await publisher.publish(event.name, JSON.parse(event.payload) as Record<string, unknown>);
        } catch (error) {
          await this.outbox.increment({ id: event.id }, 'attempts', 1);
          // The broker is away: stop here and keep the order; the timer tries again.
          throw new Error(`broker unavailable, ${pending.length} event(s) waiting: ${(error as Error).message}`);
        }
        await this.outbox.update({ id: event.id }, { publishedAt: new Date() });
      }
      if (pending.length < BATCH) return;
    }
  }
}
