import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** The example's one table, made by a migration as a real service's would be (never `synchronize`). */
export class KnownUsers1764400000000 implements MigrationInterface {
  name = 'KnownUsers1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'known_users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'firstSeenAt', type: 'varchar', length: '32' },
          { name: 'profileUpdatedAt', type: 'varchar', length: '32', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('known_users');
  }
}
