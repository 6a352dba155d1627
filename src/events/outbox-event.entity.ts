import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TIMESTAMP_TYPE } from '../database/column-types';

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

  @Column({ name: 'created_at', type: TIMESTAMP_TYPE })
  createdAt: Date;

  @Column({ name: 'published_at', type: TIMESTAMP_TYPE, nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;
}
