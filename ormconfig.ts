import { DataSource } from 'typeorm';
import { parseDatabaseConfig } from './src/config/database.config';
import { dataSourceOptions } from './src/database/data-source-options';

/**
 * The TypeORM CLI's data source (and `npm run migration:run`'s, dist/scripts/migrate.js): the same options the
 * application uses, except that opening it runs nothing (migrations run under the migration lock, never as a
 * side effect of opening a connection).
 */
export default new DataSource({
  ...dataSourceOptions(parseDatabaseConfig(process.env)),
  migrationsRun: false,
  entities: [`${__dirname}/src/**/*.{entity,entities}.js`],
});
