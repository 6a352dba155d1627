import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnTypes } from '../schema-types';

/** Identities linked from OpenID Connect providers, and the server-side state of flows in progress. */
export class Identities1764300500000 implements MigrationInterface {
  name = 'Identities1764300500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'user_identities',
        columns: [
          { name: 'id', ...t.uuid, isPrimary: true },
          { name: 'user_id', ...t.uuid },
          { name: 'provider', type: 'varchar', length: '32' },
          // The provider's `sub`: stable and unique per provider, unlike the email.
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'email', type: 'varchar', length: '254', isNullable: true },
          { name: 'created_at', ...t.timestamp },
          { name: 'last_used_at', ...t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'user_identities',
      new TableForeignKey({
        name: 'fk_user_identities_user',
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    // One account per provider identity, and one identity per provider per account.
    await queryRunner.createIndex(
      'user_identities',
      new TableIndex({ name: 'uq_user_identities_subject', columnNames: ['provider', 'subject'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'user_identities',
      new TableIndex({ name: 'uq_user_identities_user_provider', columnNames: ['user_id', 'provider'], isUnique: true }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'oidc_flows',
        columns: [
          // SHA-256 of the `state`; the state itself only travels through the browser.
          { name: 'state_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'provider', type: 'varchar', length: '32' },
          { name: 'purpose', type: 'varchar', length: '16' },
          { name: 'user_id', ...t.uuid, isNullable: true },
          { name: 'session_id', ...t.uuid, isNullable: true },
          // SHA-256 of the flow cookie's value: the flow finishes only in the browser that started it.
          { name: 'browser_hash', type: 'varchar', length: '64' },
          { name: 'code_verifier', type: 'varchar', length: '128' },
          { name: 'nonce', type: 'varchar', length: '64' },
          { name: 'redirect', type: 'varchar', length: '2048' },
          { name: 'created_at', ...t.timestamp },
          { name: 'expires_at', ...t.timestamp },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'oidc_flows',
      new TableForeignKey({
        name: 'fk_oidc_flows_user',
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
    await queryRunner.createIndex('oidc_flows', new TableIndex({ name: 'idx_oidc_flows_expires', columnNames: ['expires_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('oidc_flows');
    await queryRunner.dropTable('user_identities');
  }
}
