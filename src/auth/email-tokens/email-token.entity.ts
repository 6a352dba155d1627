import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TIMESTAMP_TYPE } from '../../database/column-types';

export type EmailTokenPurpose = 'verify' | 'change' | 'revert' | 'reset';

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

  @Column({ name: 'created_at', type: TIMESTAMP_TYPE })
  createdAt: Date;

  @Column({ name: 'expires_at', type: TIMESTAMP_TYPE })
  expiresAt: Date;

  @Column({ name: 'used_at', type: TIMESTAMP_TYPE, nullable: true })
  usedAt: Date | null;
}
