import type { QueryRunner } from 'typeorm';

/** Column types for migrations, chosen by the database the migration runs on. */
export function columnTypes(queryRunner: QueryRunner) {
  const postgres = queryRunner.connection.driver.options.type === 'postgres';
  return {
    uuid: postgres ? { type: 'uuid' } : { type: 'varchar', length: '36' },
    timestamp: { type: postgres ? 'timestamptz' : 'datetime' },
  };
}
