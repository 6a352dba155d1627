import { Column, Entity, PrimaryColumn } from 'typeorm';

/** This service's own record of a profile-service user: what it must forget when the account is deleted. */
@Entity('known_users')
export class KnownUser {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  firstSeenAt: string;

  /** When the profile service last said the profile changed (`profile.updated`). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  profileUpdatedAt: string | null;
}
