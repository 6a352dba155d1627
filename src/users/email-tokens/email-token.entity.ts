import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

/** `lock`: a "this wasn't me" link of a security notice; `unlock`: the link that ends a lock. */
export type EmailTokenPurpose = 'verify' | 'change' | 'revert' | 'reset' | 'lock' | 'unlock' | 'cancel_deletion';

/** A single-use link token mailed to an address; only its hash is stored. */
@Entity('email_tokens')
export class EmailTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  purpose: EmailTokenPurpose;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, select: false })
  tokenHash?: string;

  /** The address the token was mailed to and speaks for. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;

  /** Change and revert tokens: when the email change began (what its undo takes back starts there). */
  @TimestampColumn({ name: 'act_at', nullable: true })
  actAt: Date | null;

  /** Change and revert tokens: the change was made with a step-up that used a second factor. */
  @Column({ name: 'act_second_factor', type: 'boolean', default: false })
  actSecondFactor: boolean;
}
