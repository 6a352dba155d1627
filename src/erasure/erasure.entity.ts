import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

/**
 * The proof that an account was erased, and by whom: no personal data, not even the user id (the `erasureId`
 * of the `user.deleted` event stands in for it). Kept: it is what an operator shows when asked.
 */
@Entity('erasures')
export class ErasureEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @TimestampColumn({ name: 'deleted_at' })
  deletedAt: Date;

  /** JSON list of the services that had to confirm (ERASURE_EXPECTED_SERVICES when the account was deleted). */
  @Column({ name: 'expected_services', type: 'text' })
  expectedServices: string;

  /** When the last expected service confirmed; at once when none was expected. */
  @TimestampColumn({ name: 'completed_at', nullable: true })
  completedAt: Date | null;
}
