import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnTypes } from '../schema-types';

/**
 * Every refresh token a session has rotated out, so that presenting any of them again (not only the last)
 * is recognised as reuse and ends the session. Replaces sessions.previous_refresh_token_hash.
 */
export class RefreshTokenHistory1764300700000 implements MigrationInterface {
  name = 'RefreshTokenHistory1764300700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'refresh_token_history',
        columns: [
          { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'session_id', ...t.uuid },
          { name: 'rotated_at', ...t.timestamp },
        ],
        foreignKeys: [{ columnNames: ['session_id'], referencedTableName: 'sessions', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
    await queryRunner.createIndex('refresh_token_history', new TableIndex({ name: 'idx_refresh_token_history_session', columnNames: ['session_id'] }));
    await queryRunner.query(
      'INSERT INTO refresh_token_history (token_hash, session_id, rotated_at) SELECT previous_refresh_token_hash, id, last_used_at FROM sessions WHERE previous_refresh_token_hash IS NOT NULL',
    );
    await queryRunner.dropIndex('sessions', 'idx_sessions_previous_hash');
    await queryRunner.dropColumn('sessions', 'previous_refresh_token_hash');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('sessions', new TableColumn({ name: 'previous_refresh_token_hash', type: 'varchar', length: '64', isNullable: true }));
    await queryRunner.createIndex('sessions', new TableIndex({ name: 'idx_sessions_previous_hash', columnNames: ['previous_refresh_token_hash'] }));
    await queryRunner.dropTable('refresh_token_history');
  }
}
