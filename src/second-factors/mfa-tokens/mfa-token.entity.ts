import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';
import { UserEntity } from '#src/users/user.entity';

/** The proof that a sign-in passed its first factor; single-use, short-lived, stored as a hash. */
@Entity('mfa_tokens')
export class MfaTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;

  /** How the first factor was proved (RFC 8176, comma-separated); empty for a provider's sign-in. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  amr: string | null;

  /** Wrong codes sent with this token; at MFA_TOKEN_MAX_FAILURES it is used up. */
  @Column({ type: 'integer', default: 0 })
  failures: number;
}
