import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';
import { UserEntity } from '#src/users/user.entity';

/** One signed-in device. Access tokens are valid only while their session row is live. */
@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** SHA-256 of the current refresh token; the token itself is never stored. */
  @Column({ name: 'refresh_token_hash', type: 'varchar', length: 64, select: false })
  refreshTokenHash?: string;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'last_used_at' })
  lastUsedAt: Date;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  /** How the sign-in that opened the session was proved (RFC 8176 values, comma-separated); null before passkeys. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  amr: string | null;

  @TimestampColumn({ name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
