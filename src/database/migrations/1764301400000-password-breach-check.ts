import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { columnTypes } from '../schema-types';

/**
 * Passwords as NIST SP 800-63B-4 asks: when the account's password was last checked against the breach corpus
 * (null: set before the check existed, so the next sign-in checks it), and whether it was found there.
 */
export class PasswordBreachCheck1764301400000 implements MigrationInterface {
  name = 'PasswordBreachCheck1764301400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.addColumns('users', [
      new TableColumn({ name: 'password_checked_at', ...t.timestamp, isNullable: true }),
      new TableColumn({ name: 'password_breached', type: 'boolean', default: false }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'password_breached');
    await queryRunner.dropColumn('users', 'password_checked_at');
  }
}
