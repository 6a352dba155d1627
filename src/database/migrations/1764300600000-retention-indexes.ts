import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

const INDEXES: Array<[table: string, name: string, column: string]> = [
  ['sessions', 'idx_sessions_expires', 'expires_at'],
  ['sessions', 'idx_sessions_revoked', 'revoked_at'],
  ['email_tokens', 'idx_email_tokens_expires', 'expires_at'],
  ['email_tokens', 'idx_email_tokens_used', 'used_at'],
  ['security_events', 'idx_security_events_time', 'created_at'],
  ['users', 'idx_users_created', 'created_at'],
];

/** What the retention purge looks rows up by: each batch is an index range, never a scan of the table. */
export class RetentionIndexes1764300600000 implements MigrationInterface {
  name = 'RetentionIndexes1764300600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name, column] of INDEXES) await queryRunner.createIndex(table, new TableIndex({ name, columnNames: [column] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name] of INDEXES) await queryRunner.dropIndex(table, name);
  }
}
