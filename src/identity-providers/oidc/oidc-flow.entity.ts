import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

export type OidcFlowPurpose = 'sign_in' | 'link' | 'step_up';

/**
 * A started authorization request, found again by the hash of its `state` and deleted when it comes back:
 * everything the callback needs is here, since the callback's navigation from the provider carries no
 * `SameSite=Strict` cookie.
 */
@Entity('oidc_flows')
export class OidcFlowEntity {
  @PrimaryColumn({ name: 'state_hash', type: 'varchar', length: 64 })
  stateHash: string;

  @Column({ type: 'varchar', length: 32 })
  provider: string;

  @Column({ type: 'varchar', length: 16 })
  purpose: OidcFlowPurpose;

  /** For `link` and `step_up`: the account and session the flow was started from. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ name: 'browser_hash', type: 'varchar', length: 64 })
  browserHash: string;

  @Column({ name: 'code_verifier', type: 'varchar', length: 128 })
  codeVerifier: string;

  @Column({ type: 'varchar', length: 64 })
  nonce: string;

  /** Already checked against the allow-list when the flow started. */
  @Column({ type: 'varchar', length: 2048 })
  redirect: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;
}
