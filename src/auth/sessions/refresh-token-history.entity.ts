import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#src/database/timestamp-column';

/** A refresh token a session has rotated out (its hash): presented again, it ends the session. */
@Entity('refresh_token_history')
export class RefreshTokenHistoryEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @TimestampColumn({ name: 'rotated_at' })
  rotatedAt: Date;
}
