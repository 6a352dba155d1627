import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

/**
 * Mail work to do after the request that asked for it (a reset link, a verification link): the request only
 * writes this row, so it does the same work whether or not the address has an account, and an SMTP outage
 * delays the mail instead of losing it. The payload names what to mail, never a token: the link is made when
 * the job runs.
 */
@Entity('mail_jobs')
export class MailJobEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  kind: string;

  /** JSON, no secret (an address, a user id). */
  @Column({ type: 'text' })
  payload: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  /** When the next attempt may run. */
  @TimestampColumn({ name: 'due_at' })
  dueAt: Date;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** Held by one instance until then; a crashed instance's claim lapses. */
  @TimestampColumn({ name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  /** Sent, or given up (then `failed`). */
  @TimestampColumn({ name: 'done_at', nullable: true })
  doneAt: Date | null;

  @Column({ type: 'boolean', default: false })
  failed: boolean;
}
