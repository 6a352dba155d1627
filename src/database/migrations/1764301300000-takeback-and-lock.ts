import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnTypes } from '../schema-types';

/**
 * Wave 3's account defence: the lock of an account, what an undo link undoes (since when, and whether the change
 * was made with a second factor), the wrong codes an MfaToken has seen, and mail work done after the request
 * (forgot and resend), retried while SMTP is down.
 */
export class TakebackAndLock1764301300000 implements MigrationInterface {
  name = 'TakebackAndLock1764301300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.addColumns('users', [new TableColumn({ name: 'locked_at', ...t.timestamp, isNullable: true })]);
    await queryRunner.addColumns('email_tokens', [
      new TableColumn({ name: 'act_at', ...t.timestamp, isNullable: true }),
      new TableColumn({ name: 'act_second_factor', type: 'boolean', default: false }),
    ]);
    await queryRunner.addColumns('mfa_tokens', [new TableColumn({ name: 'failures', type: 'integer', default: 0 })]);
    await queryRunner.createTable(
      new Table({
        name: 'mail_jobs',
        columns: [
          { name: 'id', ...t.uuid, isPrimary: true },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'payload', type: 'text' },
          { name: 'created_at', ...t.timestamp },
          { name: 'due_at', ...t.timestamp },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'claimed_until', ...t.timestamp, isNullable: true },
          { name: 'done_at', ...t.timestamp, isNullable: true },
          { name: 'failed', type: 'boolean', default: false },
        ],
      }),
    );
    await queryRunner.createIndex('mail_jobs', new TableIndex({ name: 'idx_mail_jobs_due', columnNames: ['done_at', 'due_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('mail_jobs');
    await queryRunner.dropColumn('mfa_tokens', 'failures');
    await queryRunner.dropColumn('email_tokens', 'act_second_factor');
    await queryRunner.dropColumn('email_tokens', 'act_at');
    await queryRunner.dropColumn('users', 'locked_at');
  }
}
