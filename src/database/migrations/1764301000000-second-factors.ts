import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnTypes } from '../schema-types';

const userForeignKey = (table: string) =>
  new TableForeignKey({ name: `fk_${table}_user`, columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' });

/** TOTP second factors (secrets encrypted), recovery codes (hashed), and the MfaTokens of half-done sign-ins. */
export class SecondFactors1764301000000 implements MigrationInterface {
  name = 'SecondFactors1764301000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'totp_factors',
        columns: [
          // One per account: the active factor, or an enrolment waiting for its first code.
          { name: 'user_id', ...t.uuid, isPrimary: true },
          // AES-256-GCM of the base32 secret (MFA_ENCRYPTION_KEY).
          { name: 'secret', type: 'varchar', length: '255' },
          { name: 'confirmed_at', ...t.timestamp, isNullable: true },
          // An enrolment belongs to the session that started it, until it expires.
          { name: 'pending_session_id', ...t.uuid, isNullable: true },
          { name: 'pending_expires_at', ...t.timestamp, isNullable: true },
          // The last 30-second step a code was accepted for: a code is good once.
          { name: 'last_used_step', type: 'integer', isNullable: true },
          { name: 'created_at', ...t.timestamp },
        ],
      }),
    );
    await queryRunner.createForeignKey('totp_factors', userForeignKey('totp_factors'));

    await queryRunner.createTable(
      new Table({
        name: 'recovery_codes',
        columns: [
          { name: 'id', ...t.uuid, isPrimary: true },
          { name: 'user_id', ...t.uuid },
          // HMAC-SHA-256 of the code under the MFA key.
          { name: 'code_hash', type: 'varchar', length: '64' },
          { name: 'used_at', ...t.timestamp, isNullable: true },
          { name: 'created_at', ...t.timestamp },
        ],
      }),
    );
    await queryRunner.createForeignKey('recovery_codes', userForeignKey('recovery_codes'));
    await queryRunner.createIndex(
      'recovery_codes',
      new TableIndex({ name: 'uq_recovery_codes_user_hash', columnNames: ['user_id', 'code_hash'], isUnique: true }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'mfa_tokens',
        columns: [
          // SHA-256 of the token; the token itself only travels to the client.
          { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', ...t.uuid },
          { name: 'created_at', ...t.timestamp },
          { name: 'expires_at', ...t.timestamp },
          { name: 'used_at', ...t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createForeignKey('mfa_tokens', userForeignKey('mfa_tokens'));
    await queryRunner.createIndex('mfa_tokens', new TableIndex({ name: 'idx_mfa_tokens_expires', columnNames: ['expires_at'] }));
    await queryRunner.createIndex('mfa_tokens', new TableIndex({ name: 'idx_mfa_tokens_used', columnNames: ['used_at'] }));
    await queryRunner.createIndex('mfa_tokens', new TableIndex({ name: 'idx_mfa_tokens_user', columnNames: ['user_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('mfa_tokens');
    await queryRunner.dropTable('recovery_codes');
    await queryRunner.dropTable('totp_factors');
  }
}
