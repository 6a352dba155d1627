import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';
import { UserEntity } from '#src/users/user.entity';

/** An account's TOTP factor: active once confirmed, or an enrolment waiting for its first code. */
@Entity('totp_factors')
export class TotpFactorEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** Encrypted (SecretBox); never leaves the service after the enrolment answer. */
  @Column({ type: 'varchar', length: 255, select: false })
  secret?: string;

  @TimestampColumn({ name: 'confirmed_at', nullable: true })
  confirmedAt: Date | null;

  @Column({ name: 'pending_session_id', type: 'uuid', nullable: true })
  pendingSessionId: string | null;

  @TimestampColumn({ name: 'pending_expires_at', nullable: true })
  pendingExpiresAt: Date | null;

  @Column({ name: 'last_used_step', type: 'integer', nullable: true })
  lastUsedStep: number | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;
}
