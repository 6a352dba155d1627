import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

@Entity('outbox_events')
export class OutboxEventEntity {
  /** The event id consumers de-duplicate by. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  /** JSON of the payload, including `eventId`. */
  @Column({ type: 'text' })
  payload: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'published_at', nullable: true })
  publishedAt: Date | null;

  /** Set while one instance is publishing the row; another takes it over only once this time has passed. */
  @TimestampColumn({ name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;
}
