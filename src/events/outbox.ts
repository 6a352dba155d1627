import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Transaction } from '#src/database/transaction-runner';
import type { AccountEventName } from './account-events';
import { OutboxEventEntity } from './outbox-event.entity';
import { OutboxRelay } from './outbox-relay.service';

/**
 * Where a change records the account event it causes: a row in the change's own transaction, so that the
 * change and its event commit together or not at all (a crash after the commit loses nothing: the relay
 * publishes the row after a restart). Once committed, the event is also emitted in process (EventEmitter2)
 * and the relay is woken.
 */
@Injectable()
export class Outbox {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly emitter: EventEmitter2,
  ) {}

  async record(tx: Transaction, name: AccountEventName, payload: object): Promise<void> {
    const eventId = randomUUID();
    const event = { eventId, ...payload };
    await tx.manager
      .getRepository(OutboxEventEntity)
      .insert({ id: eventId, name, payload: JSON.stringify(event), createdAt: new Date(), publishedAt: null, claimedUntil: null, attempts: 0 });
    tx.afterCommit(() => {
      this.emitter.emit(name, event);
      this.relay.kick();
    });
  }
}
