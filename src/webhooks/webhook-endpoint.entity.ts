import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

/**
 * A configured endpoint as the database knows it, for the operators' CLI and for the state every instance must
 * share: an endpoint that answered 410 Gone stays disabled until its configuration (`config_hash`) changes.
 */
@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  /** The first 16 hex digits of the URL's SHA-256. */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id: string;

  @Column({ type: 'text' })
  url: string;

  /** SHA-256 of the endpoint's whole configuration (URL, events, secrets, personal data). */
  @Column({ name: 'config_hash', type: 'varchar', length: 64 })
  configHash: string;

  @TimestampColumn({ name: 'disabled_at', nullable: true })
  disabledAt: Date | null;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 300, nullable: true })
  disabledReason: string | null;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt: Date;
}
