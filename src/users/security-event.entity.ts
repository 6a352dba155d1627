import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

export type SecurityEventType =
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'step_up'
  | 'step_up_failed'
  | 'refresh_token_reused'
  | 'email_verified'
  | 'email_change_requested'
  | 'email_changed'
  | 'email_change_reverted'
  | 'profile_updated'
  | 'password_changed'
  | 'password_set'
  | 'password_reset_requested'
  | 'password_reset'
  | 'session_revoked'
  | 'sessions_revoked'
  | 'data_exported'
  | 'provider_login'
  | 'provider_signup'
  | 'provider_linked'
  | 'provider_unlinked'
  | 'provider_sign_in_refused'
  | 'factor_added'
  | 'factor_removed'
  | 'recovery_codes_regenerated'
  | 'account_locked'
  | 'account_unlocked'
  | 'password_breached_detected'
  | 'deletion_scheduled'
  | 'deletion_cancelled';

/** One account change, for the user's own security log. Holds no secret. */
@Entity('security_events')
export class SecurityEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 48 })
  type: SecurityEventType;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  /** JSON of a few non-secret facts (`{ provider }`, `{ sessionId }`), or null. */
  @Column({ type: 'varchar', length: 1024, nullable: true })
  details: string | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;
}
