import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnTypes } from '../schema-types';

/**
 * The account's language before its latest change, and until when its mails also carry it (LOCK_LOOKBACK after
 * the change): someone who took the account over cannot make its notices unreadable to the owner.
 */
export class PreviousLocale1764301700000 implements MigrationInterface {
  name = 'PreviousLocale1764301700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.addColumns('users', [
      new TableColumn({ name: 'previous_locale', type: 'varchar', length: '35', isNullable: true }),
      new TableColumn({ name: 'previous_locale_until', ...t.timestamp, isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'previous_locale_until');
    await queryRunner.dropColumn('users', 'previous_locale');
  }
}
