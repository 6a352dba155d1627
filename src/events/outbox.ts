import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Transaction } from '#src/database/transaction-runner';
import type { AccountEventName, FieldChanges } from './account-events';
import { OutboxEventEntity } from './outbox-event.entity';
import { OutboxRelay } from './outbox-relay.service';

/** An event as the outbox recorded it: what a listener receives, inside the change's transaction. */
export interface RecordedEvent {
  id: string;
  name: AccountEventName;
  /** What the broker receives: the payload with its `eventId`. */
  payload: Record<string, unknown> & { eventId: string; userId: string };
  /** Fields before and after, for receivers that ask for them (webhooks); never published on the broker. */
  changes?: FieldChanges;
  createdAt: Date;
}

/** More rows for an event, written in its transaction (a webhook delivery per endpoint). */
export type OutboxListener = (event: RecordedEvent, tx: Transaction) => Promise<void>;

/**
 * Where a change records the account event it causes: a row in the change's own transaction, so that the
 * change and its event commit together or not at all (a crash after the commit loses nothing: the relay
 * publishes the row after a restart). Listeners (webhooks) add their rows in the same transaction. Once
 * committed, the event is also emitted in process (EventEmitter2) and the relay is woken.
 */
@Injectable()
export class Outbox {
  private readonly listeners: OutboxListener[] = [];

  constructor(
    private readonly relay: OutboxRelay,
    private readonly emitter: EventEmitter2,
  ) {}

  /** Called at start-up by a module that keeps rows of its own per event. */
  listen(listener: OutboxListener): void {
    this.listeners.push(listener);
  }

  async record<P extends { userId: string }>(tx: Transaction, name: AccountEventName, payload: P, changes?: FieldChanges): Promise<void> {
    const eventId = randomUUID();
    const event = { eventId, ...payload };
    const createdAt = new Date();
    await tx.manager
      .getRepository(OutboxEventEntity)
      .insert({ id: eventId, name, payload: JSON.stringify(event), createdAt, publishedAt: null, claimedUntil: null, attempts: 0 });
    const recorded: RecordedEvent = { id: eventId, name, payload: event, changes, createdAt };
    for (const listener of this.listeners) await listener(recorded, tx);
    tx.afterCommit(() => {
      this.emitter.emit(name, event);
      this.relay.kick();
    });
  }
}
