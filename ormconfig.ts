import { DataSource } from 'typeorm';
import { dataSourceOptions, parseDatabaseConfig } from './src/config/database.config';

/** The TypeORM CLI's data source (npm run migration:run): the same options the application uses. */
export default new DataSource({
  ...dataSourceOptions(parseDatabaseConfig(process.env)),
  entities: [`${__dirname}/src/**/*.entity.js`],
});
