import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnTypes } from '../schema-types';

/** Users, their sessions and single-use email tokens. Written with the schema builder so one migration serves SQLite and PostgreSQL. */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', ...t.uuid, isPrimary: true },
          { name: 'email', type: 'varchar', length: '254' },
          // Lower-cased whole address: case-insensitive uniqueness by a plain unique index on both databases.
          { name: 'email_normalized', type: 'varchar', length: '254' },
          { name: 'email_verified', type: 'boolean', default: false },
          { name: 'username', type: 'varchar', length: '32', isNullable: true },
          { name: 'display_name', type: 'varchar', length: '256', isNullable: true },
          { name: 'bio', type: 'varchar', length: '1200', isNullable: true },
          { name: 'locale', type: 'varchar', length: '35', default: "'en'" },
          { name: 'timezone', type: 'varchar', length: '64', default: "'UTC'" },
          { name: 'password_hash', type: 'varchar', length: '100', isNullable: true },
          { name: 'password_changed_at', ...t.timestamp, isNullable: true },
          { name: 'created_at', ...t.timestamp },
          { name: 'updated_at', ...t.timestamp },
        ],
      }),
    );
    await queryRunner.createIndex('users', new TableIndex({ name: 'uq_users_email_normalized', columnNames: ['email_normalized'], isUnique: true }));
    await queryRunner.createIndex('users', new TableIndex({ name: 'uq_users_username', columnNames: ['username'], isUnique: true }));

    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', ...t.uuid, isPrimary: true },
          { name: 'user_id', ...t.uuid },
          { name: 'refresh_token_hash', type: 'varchar', length: '64' },
          { name: 'previous_refresh_token_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '512', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'created_at', ...t.timestamp },
          { name: 'last_used_at', ...t.timestamp },
          { name: 'expires_at', ...t.timestamp },
          { name: 'revoked_at', ...t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'sessions',
      new TableForeignKey({
        name: 'fk_sessions_user',
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await queryRunner.createIndex('sessions', new TableIndex({ name: 'idx_sessions_user', columnNames: ['user_id'] }));
    await queryRunner.createIndex('sessions', new TableIndex({ name: 'uq_sessions_refresh_hash', columnNames: ['refresh_token_hash'], isUnique: true }));
    await queryRunner.createIndex('sessions', new TableIndex({ name: 'idx_sessions_previous_hash', columnNames: ['previous_refresh_token_hash'] }));

    await queryRunner.createTable(
      new Table({
        name: 'email_tokens',
        columns: [
          { name: 'id', ...t.uuid, isPrimary: true },
          { name: 'user_id', ...t.uuid },
          { name: 'purpose', type: 'varchar', length: '16' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'created_at', ...t.timestamp },
          { name: 'expires_at', ...t.timestamp },
          { name: 'used_at', ...t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'email_tokens',
      new TableForeignKey({
        name: 'fk_email_tokens_user',
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await queryRunner.createIndex('email_tokens', new TableIndex({ name: 'uq_email_tokens_hash', columnNames: ['token_hash'], isUnique: true }));
    await queryRunner.createIndex('email_tokens', new TableIndex({ name: 'idx_email_tokens_user_purpose', columnNames: ['user_id', 'purpose'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('email_tokens');
    await queryRunner.dropTable('sessions');
    await queryRunner.dropTable('users');
  }
}
