import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/** Abandoned authenticator-app enrolments are purged by their expiry (retention), one index range. */
export class TotpEnrolmentExpiry1764301200000 implements MigrationInterface {
  name = 'TotpEnrolmentExpiry1764301200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('totp_factors', new TableIndex({ name: 'idx_totp_factors_pending_expires', columnNames: ['pending_expires_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('totp_factors', 'idx_totp_factors_pending_expires');
  }
}
