import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';
import { UserEntity } from '#src/users/user.entity';

/** A signature counter is an unsigned 32-bit number: a bigint column, read back as a number. */
const counterColumn = { from: (value: string | number | null) => Number(value ?? 0), to: (value: number) => value };

/** One passkey (WebAuthn credential) of an account: its public key, never a secret. */
@Entity('passkeys')
export class PasskeyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** The authenticator's credential id, base64url; unique across accounts. */
  @Column({ name: 'credential_id', type: 'varchar', length: 1400 })
  credentialId: string;

  /** The COSE public key, base64url. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey: string;

  @Column({ name: 'sign_count', type: 'bigint', transformer: counterColumn })
  signCount: number;

  /** Comma-separated transports the authenticator reported (usb, internal, hybrid…), to hint browsers. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  transports: string | null;

  /** `multiDevice`: a synced passkey; `singleDevice`: bound to one authenticator. */
  @Column({ name: 'device_type', type: 'varchar', length: 16 })
  deviceType: 'singleDevice' | 'multiDevice';

  @Column({ name: 'backed_up', type: 'boolean' })
  backedUp: boolean;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;
}

export type ChallengePurpose = 'register' | 'sign_in' | 'second_factor' | 'step_up';

/**
 * A WebAuthn challenge the service handed out: single-use, short-lived, and bound to what asked for it (the
 * session for registration and step-up, the MfaToken for a second factor; a passwordless sign-in has nothing
 * yet to be bound to).
 */
@Entity('webauthn_challenges')
export class WebAuthnChallengeEntity {
  /** base64url, as it comes back in the client data. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  challenge: string;

  @Column({ type: 'varchar', length: 16 })
  purpose: ChallengePurpose;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ name: 'mfa_token_hash', type: 'varchar', length: 64, nullable: true })
  mfaTokenHash: string | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;
}
