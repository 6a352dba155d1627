import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnTypes } from '../schema-types';

/**
 * Deletion with a grace period (when a scheduled deletion falls due) and the proof of erasure: one row per
 * deleted account, keyed by an erasure id that is not the user id, and one row per service that confirmed it.
 */
export class DeletionGraceAndErasures1764301600000 implements MigrationInterface {
  name = 'DeletionGraceAndErasures1764301600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.addColumns('users', [
      new TableColumn({ name: 'deletion_scheduled_at', ...t.timestamp, isNullable: true }),
      new TableColumn({ name: 'delete_at', ...t.timestamp, isNullable: true }),
    ]);
    await queryRunner.createIndex('users', new TableIndex({ name: 'idx_users_delete_at', columnNames: ['delete_at'] }));
    await queryRunner.createTable(
      new Table({
        name: 'erasures',
        columns: [
          { name: 'id', ...t.uuid, isPrimary: true },
          { name: 'deleted_at', ...t.timestamp },
          // JSON list: who had to confirm when the account was deleted (ERASURE_EXPECTED_SERVICES then).
          { name: 'expected_services', type: 'text' },
          // Set once every expected service confirmed (or at once when none was expected).
          { name: 'completed_at', ...t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex('erasures', new TableIndex({ name: 'idx_erasures_open', columnNames: ['completed_at', 'deleted_at'] }));
    await queryRunner.createTable(
      new Table({
        name: 'erasure_confirmations',
        columns: [
          { name: 'erasure_id', ...t.uuid, isPrimary: true },
          { name: 'service', type: 'varchar', length: '64', isPrimary: true },
          { name: 'confirmed_at', ...t.timestamp },
        ],
        foreignKeys: [{ columnNames: ['erasure_id'], referencedTableName: 'erasures', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('erasure_confirmations');
    await queryRunner.dropTable('erasures');
    await queryRunner.dropIndex('users', 'idx_users_delete_at');
    await queryRunner.dropColumn('users', 'delete_at');
    await queryRunner.dropColumn('users', 'deletion_scheduled_at');
  }
}
