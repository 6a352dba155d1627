import { databaseKind } from '../config/database.config';

/** Entity column types that differ between the two supported databases. */
export const TIMESTAMP_TYPE = databaseKind === 'postgres' ? 'timestamptz' : 'datetime';
