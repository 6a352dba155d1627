import { DataSource } from 'typeorm';
import { parseDatabaseConfig } from './src/config/database.config';
import { dataSourceOptions } from './src/database/data-source-options';

/** The TypeORM CLI's data source (npm run migration:run): the same options the application uses. */
export default new DataSource({
  ...dataSourceOptions(parseDatabaseConfig(process.env)),
  entities: [`${__dirname}/src/**/*.{entity,entities}.js`],
});
