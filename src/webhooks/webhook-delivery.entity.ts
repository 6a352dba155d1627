import { Column, Entity } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** bigint on PostgreSQL arrives as a string. */
const asNumber = { from: (value: string | number | null) => (value === null ? null : Number(value)), to: (value: number | undefined) => value };

/**
 * One event for one endpoint: written in the event's transaction, sent by the relay (at least once, with the
 * event id as `webhook-id` on every attempt), kept for OUTBOX_RETENTION once delivered or failed. The body is
 * composed at record time for the endpoint (personal data only where it opted in); it is signed at each send.
 */
@Entity('webhook_deliveries')
export class WebhookDeliveryEntity {
  @Column({ type: 'bigint', primary: true, generated: 'increment', transformer: asNumber })
  id: number;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'endpoint_id', type: 'varchar', length: 16 })
  endpointId: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @TimestampColumn({ name: 'next_attempt_at' })
  nextAttemptAt: Date;

  /** Held by one instance until then; a crashed instance's claim lapses. */
  @TimestampColumn({ name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  /** The receiver's HTTP status of the last attempt; null: no answer. */
  @Column({ name: 'last_status', type: 'integer', nullable: true })
  lastStatus: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 300, nullable: true })
  lastError: string | null;

  @TimestampColumn({ name: 'last_attempt_at', nullable: true })
  lastAttemptAt: Date | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  /** Delivered, or given up. */
  @TimestampColumn({ name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
