import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnTypes } from '../schema-types';

/** An audit trail of account changes (type, time, ip, user agent; never secrets), removed with the user. */
export class SecurityEvents1764300100000 implements MigrationInterface {
  name = 'SecurityEvents1764300100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'security_events',
        columns: [
          { name: 'id', ...t.uuid, isPrimary: true },
          { name: 'user_id', ...t.uuid },
          { name: 'type', type: 'varchar', length: '48' },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '512', isNullable: true },
          { name: 'created_at', ...t.timestamp },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'security_events',
      new TableForeignKey({
        name: 'fk_security_events_user',
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await queryRunner.createIndex('security_events', new TableIndex({ name: 'idx_security_events_user_time', columnNames: ['user_id', 'created_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('security_events');
  }
}
