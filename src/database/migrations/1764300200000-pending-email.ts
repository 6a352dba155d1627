import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnTypes } from '../schema-types';

/**
 * The address an email change waits to verify, on the user row so that reading the profile stays one query.
 * The single-use token itself lives in email_tokens.
 */
export class PendingEmail1764300200000 implements MigrationInterface {
  name = 'PendingEmail1764300200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.addColumns('users', [
      new TableColumn({ name: 'pending_email', type: 'varchar', length: '254', isNullable: true }),
      new TableColumn({ name: 'pending_email_expires_at', ...t.timestamp, isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'pending_email_expires_at');
    await queryRunner.dropColumn('users', 'pending_email');
  }
}
