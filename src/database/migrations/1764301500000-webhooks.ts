import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes } from '../schema-types';

/**
 * Webhooks: the configured endpoints as the database knows them (a 410 Gone disables one until its configuration
 * changes) and one delivery row per event and endpoint, written in the event's transaction and sent by a relay.
 */
export class Webhooks1764301500000 implements MigrationInterface {
  name = 'Webhooks1764301500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    await queryRunner.createTable(
      new Table({
        name: 'webhook_endpoints',
        columns: [
          { name: 'id', type: 'varchar', length: '16', isPrimary: true },
          { name: 'url', type: 'text' },
          { name: 'config_hash', type: 'varchar', length: '64' },
          { name: 'disabled_at', ...t.timestamp, isNullable: true },
          { name: 'disabled_reason', type: 'varchar', length: '300', isNullable: true },
          { name: 'updated_at', ...t.timestamp },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          // The order of deliveries: per account and endpoint, a row waits for every lower one.
          { name: 'id', type: postgres ? 'bigint' : 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'event_id', ...t.uuid },
          { name: 'event_type', type: 'varchar', length: '64' },
          // No foreign key: a user.deleted delivery outlives its account.
          { name: 'user_id', ...t.uuid },
          { name: 'endpoint_id', type: 'varchar', length: '16' },
          { name: 'body', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'next_attempt_at', ...t.timestamp },
          { name: 'claimed_until', ...t.timestamp, isNullable: true },
          { name: 'last_status', type: 'integer', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '300', isNullable: true },
          { name: 'last_attempt_at', ...t.timestamp, isNullable: true },
          { name: 'created_at', ...t.timestamp },
          { name: 'finished_at', ...t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex('webhook_deliveries', new TableIndex({ name: 'idx_webhook_deliveries_due', columnNames: ['status', 'next_attempt_at'] }));
    await queryRunner.createIndex(
      'webhook_deliveries',
      new TableIndex({ name: 'idx_webhook_deliveries_chain', columnNames: ['endpoint_id', 'user_id', 'status', 'id'] }),
    );
    await queryRunner.createIndex('webhook_deliveries', new TableIndex({ name: 'idx_webhook_deliveries_finished', columnNames: ['finished_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_deliveries');
    await queryRunner.dropTable('webhook_endpoints');
  }
}
