import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';
import { UserEntity } from '#src/users/user.entity';

/** One recovery code, stored as its HMAC; usable once. */
@Entity('recovery_codes')
export class RecoveryCodeEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash: string;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;
}
