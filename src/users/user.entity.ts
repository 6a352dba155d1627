import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

/** The account record. Never returned from a route: mappers build responses field by field. */
@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** As typed (trimmed, domain lower-cased): where mail is sent. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** The case-insensitive lookup key, unique. */
  @Column({ name: 'email_normalized', type: 'varchar', length: 254 })
  emailNormalized: string;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified: boolean;

  /** The address an email change waits to verify, and until when. */
  @Column({ name: 'pending_email', type: 'varchar', length: 254, nullable: true })
  pendingEmail: string | null;

  @TimestampColumn({ name: 'pending_email_expires_at', nullable: true })
  pendingEmailExpiresAt: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  username: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 256, nullable: true })
  displayName: string | null;

  @Column({ type: 'varchar', length: 1200, nullable: true })
  bio: string | null;

  @Column({ type: 'varchar', length: 35, default: 'en' })
  locale: string;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  /** The locale before the latest change, while its mails still carry it too (see `localeChange`). */
  @Column({ name: 'previous_locale', type: 'varchar', length: 35, nullable: true })
  previousLocale: string | null;

  @TimestampColumn({ name: 'previous_locale_until', nullable: true })
  previousLocaleUntil: Date | null;

  /** The current avatar's version; null without an avatar. */
  @Column({ name: 'avatar_version', type: 'varchar', length: 40, nullable: true })
  avatarVersion: string | null;

  @TimestampColumn({ name: 'avatar_updated_at', nullable: true })
  avatarUpdatedAt: Date | null;

  /** Secret: never selected unless asked for by name. */
  @Column({ name: 'password_hash', type: 'varchar', length: 100, nullable: true, select: false })
  passwordHash?: string | null;

  @TimestampColumn({ name: 'password_changed_at', nullable: true })
  passwordChangedAt: Date | null;

  /** When the password was checked against the breach corpus; null: set before the check existed (or during an outage). */
  @TimestampColumn({ name: 'password_checked_at', nullable: true })
  passwordCheckedAt: Date | null;

  /** The current password was found in the breach corpus after it was set: the profile asks for a change. */
  @Column({ name: 'password_breached', type: 'boolean', default: false })
  passwordBreached: boolean;

  /** Set by "this wasn't me": while set, every way of signing in answers 403 ACCOUNT_LOCKED until an unlock. */
  @TimestampColumn({ name: 'locked_at', nullable: true })
  lockedAt: Date | null;

  /** A deletion asked for with ACCOUNT_DELETION_GRACE: the account goes at `deleteAt` unless cancelled. */
  @TimestampColumn({ name: 'deletion_scheduled_at', nullable: true })
  deletionScheduledAt: Date | null;

  @TimestampColumn({ name: 'delete_at', nullable: true })
  deleteAt: Date | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt: Date;
}
