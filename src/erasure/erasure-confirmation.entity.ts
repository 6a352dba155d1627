import { Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

/** One service's `erasure.confirmed`: it deleted what it held of the account. */
@Entity('erasure_confirmations')
export class ErasureConfirmationEntity {
  @PrimaryColumn({ name: 'erasure_id', type: 'uuid' })
  erasureId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  service: string;

  @TimestampColumn({ name: 'confirmed_at' })
  confirmedAt: Date;
}
