import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/transport-node';
import { type ErasureOptions, confirmErasure } from './erasure';
import type { ProfileEventName, ProfileEventPayloads } from './events';

export type ProfileEventHandlers = { [Name in ProfileEventName]?: (event: ProfileEventPayloads[Name]) => Promise<void> | void };

export interface DurableEventsOptions {
  /** The service's durable consumer: the name under which the stream remembers what it has acknowledged. */
  durable: string;
  /** The profile service's stream (its BROKER_STREAM), default `PROFILE_EVENTS`. */
  stream?: string;
  /** Wait before a failed event is offered again (default 5 s). */
  retryDelayMs?: number;
  /**
   * This service holds user data: on `user.deleted` it erases the user (`erase`), then confirms the erasure to the
   * profile service (`erasure.confirmed`), and acknowledges the event only after both succeeded.
   */
  erasure?: ErasureOptions;
}

export interface DurableEvents {
  stop(): Promise<void>;
}

/**
 * Receives the profile service's events through a durable JetStream consumer: an event published while this
 * service was down arrives once it is back. Each is acknowledged only after its handler succeeded; a handler
 * that throws gets it again after `retryDelayMs`. The consumer is created on first use, from then on (events
 * before its creation are not replayed). Delivery is at least once: handlers de-duplicate by `eventId`.
 */
export async function consumeProfileEvents(connection: NatsConnection, handlers: ProfileEventHandlers, options: DurableEventsOptions): Promise<DurableEvents> {
  const stream = options.stream ?? 'PROFILE_EVENTS';
  const manager = await jetstreamManager(connection);
  const exists = await manager.consumers.info(stream, options.durable).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await manager.consumers.add(stream, {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(30_000),
    });
  }
  const consumer = await jetstream(connection).consumers.get(stream, options.durable);
  const messages = await consumer.consume();
  const done = (async () => {
    for await (const message of messages) {
      const handler = handlers[message.subject as ProfileEventName] as ((event: unknown) => Promise<void> | void) | undefined;
      try {
        const data = message.json<{ data: unknown }>().data;
        if (handler) await handler(data);
        if (options.erasure && message.subject === 'user.deleted') {
          const { userId, erasureId } = data as ProfileEventPayloads['user.deleted'];
          await options.erasure.erase(userId);
          if (erasureId) await confirmErasure(connection, erasureId, options.erasure.service, options.erasure.timeoutMs);
        }
        message.ack();
      } catch {
        message.nak(options.retryDelayMs ?? 5000);
      }
    }
  })();
  return {
    async stop() {
      await messages.close();
      await done;
    },
  };
}
