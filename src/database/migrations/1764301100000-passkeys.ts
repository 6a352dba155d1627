import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columnTypes } from '../schema-types';

const userForeignKey = (table: string) =>
  new TableForeignKey({ name: `fk_${table}_user`, columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' });

/** Passkeys, the WebAuthn challenges of their ceremonies, and how each session was signed in (`amr`). */
export class Passkeys1764301100000 implements MigrationInterface {
  name = 'Passkeys1764301100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'passkeys',
        columns: [
          { name: 'id', ...t.uuid, isPrimary: true },
          { name: 'user_id', ...t.uuid },
          // A credential id is at most 1023 bytes: 1364 characters of base64url.
          { name: 'credential_id', type: 'varchar', length: '1400' },
          { name: 'public_key', type: 'text' },
          { name: 'sign_count', type: 'bigint' },
          { name: 'transports', type: 'varchar', length: '255', isNullable: true },
          { name: 'device_type', type: 'varchar', length: '16' },
          { name: 'backed_up', type: 'boolean' },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'created_at', ...t.timestamp },
          { name: 'last_used_at', ...t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createForeignKey('passkeys', userForeignKey('passkeys'));
    await queryRunner.createIndex('passkeys', new TableIndex({ name: 'uq_passkeys_credential', columnNames: ['credential_id'], isUnique: true }));
    await queryRunner.createIndex('passkeys', new TableIndex({ name: 'idx_passkeys_user', columnNames: ['user_id'] }));

    await queryRunner.createTable(
      new Table({
        name: 'webauthn_challenges',
        columns: [
          { name: 'challenge', type: 'varchar', length: '128', isPrimary: true },
          { name: 'purpose', type: 'varchar', length: '16' },
          { name: 'user_id', ...t.uuid, isNullable: true },
          { name: 'session_id', ...t.uuid, isNullable: true },
          { name: 'mfa_token_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'created_at', ...t.timestamp },
          { name: 'expires_at', ...t.timestamp },
          { name: 'used_at', ...t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createForeignKey('webauthn_challenges', userForeignKey('webauthn_challenges'));
    await queryRunner.createIndex('webauthn_challenges', new TableIndex({ name: 'idx_webauthn_challenges_expires', columnNames: ['expires_at'] }));
    await queryRunner.createIndex('webauthn_challenges', new TableIndex({ name: 'idx_webauthn_challenges_used', columnNames: ['used_at'] }));
    await queryRunner.createIndex('webauthn_challenges', new TableIndex({ name: 'idx_webauthn_challenges_user', columnNames: ['user_id'] }));

    // RFC 8176 methods of the sign-in that opened the session (comma-separated), carried by its access tokens.
    await queryRunner.addColumn('sessions', new TableColumn({ name: 'amr', type: 'varchar', length: '64', isNullable: true }));
    // …and of the first factor a half-done sign-in passed, for the session its second factor opens.
    await queryRunner.addColumn('mfa_tokens', new TableColumn({ name: 'amr', type: 'varchar', length: '64', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('mfa_tokens', 'amr');
    await queryRunner.dropColumn('sessions', 'amr');
    await queryRunner.dropTable('webauthn_challenges');
    await queryRunner.dropTable('passkeys');
  }
}
