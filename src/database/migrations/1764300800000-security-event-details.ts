import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

const RENAMED: Array<[before: string, after: string]> = [
  ['email_reverted', 'email_change_reverted'],
  ['other_sessions_revoked', 'sessions_revoked'],
];

/** A few facts per security event (which provider, which session), and the contract's names for two types. */
export class SecurityEventDetails1764300800000 implements MigrationInterface {
  name = 'SecurityEventDetails1764300800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('security_events', new TableColumn({ name: 'details', type: 'varchar', length: '1024', isNullable: true }));
    for (const [before, after] of RENAMED) await queryRunner.query(`UPDATE security_events SET type = '${after}' WHERE type = '${before}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [before, after] of RENAMED) await queryRunner.query(`UPDATE security_events SET type = '${before}' WHERE type = '${after}'`);
    await queryRunner.dropColumn('security_events', 'details');
  }
}
