const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else can be answered without asking the database (where PostgreSQL would reject it). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
