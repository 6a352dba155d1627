import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnTypes } from '../schema-types';

/** A claim on an outbox row while one instance publishes it, so that several instances never publish one row twice. */
export class OutboxClaims1764300900000 implements MigrationInterface {
  name = 'OutboxClaims1764300900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('outbox_events', new TableColumn({ name: 'claimed_until', ...columnTypes(queryRunner).timestamp, isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('outbox_events', 'claimed_until');
  }
}
