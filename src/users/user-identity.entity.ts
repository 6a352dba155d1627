import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';
import { UserEntity } from './user.entity';

/** An OpenID Connect identity (provider + subject) that signs in to this account. */
@Entity('user_identities')
export class UserIdentityEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  @Column({ type: 'varchar', length: 255 })
  subject: string;

  /** The provider's address for this identity when it was linked; informational only, never a lookup key. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;
}

/** What a profile shows of a linked identity. */
export type LinkedIdentity = Pick<UserIdentityEntity, 'provider' | 'email' | 'createdAt'>;
