/**
 * The name of the service's TypeORM connection. Named, so that a host application importing the feature keeps
 * its own default connection.
 */
export const PROFILE_CONNECTION = 'profile';
