import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnTypes } from '../schema-types';

/** The current avatar version of a user (files live in the avatar storage under it). */
export class Avatar1764300300000 implements MigrationInterface {
  name = 'Avatar1764300300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.addColumns('users', [
      new TableColumn({ name: 'avatar_version', type: 'varchar', length: '40', isNullable: true }),
      new TableColumn({ name: 'avatar_updated_at', ...t.timestamp, isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'avatar_updated_at');
    await queryRunner.dropColumn('users', 'avatar_version');
  }
}
