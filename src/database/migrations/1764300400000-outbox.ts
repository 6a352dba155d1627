import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes } from '../schema-types';

/** Events waiting for (or already handed to) the broker: at-least-once delivery survives a broker outage. */
export class Outbox1764300400000 implements MigrationInterface {
  name = 'Outbox1764300400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'outbox_events',
        columns: [
          { name: 'id', ...t.uuid, isPrimary: true },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'payload', type: 'text' },
          { name: 'created_at', ...t.timestamp },
          { name: 'published_at', ...t.timestamp, isNullable: true },
          { name: 'attempts', type: 'integer', default: 0 },
        ],
      }),
    );
    await queryRunner.createIndex('outbox_events', new TableIndex({ name: 'idx_outbox_pending', columnNames: ['published_at', 'created_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbox_events');
  }
}
