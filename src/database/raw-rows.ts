import type { DataSource, EntityMetadata, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/**
 * Hand-written SQL for a hot path, with TypeORM's own per-column conversions, so that it runs unchanged on
 * SQLite and PostgreSQL. It skips the query builder and the result transformer, which cost more than the
 * query itself on a primary-key lookup.
 */
export class RawRows<T extends ObjectLiteral> {
  private readonly columns: ColumnMetadata[];

  constructor(
    private readonly dataSource: DataSource,
    private readonly metadata: EntityMetadata,
    /** How a read runs outside PostgreSQL: the transaction runner's (on SQLite, SqliteSerializer.read). */
    private readonly read: (sql: string, parameters: unknown[]) => Promise<Array<Record<string, unknown>>>,
  ) {
    // Columns marked `select: false` (secrets) are never read.
    this.columns = metadata.columns.filter((column) => column.isSelect);
  }

  /**
   * `alias.col1, alias.col2, …`: the entity's selectable columns; with a prefix, each is renamed
   * `<prefix>col` so that a join's columns do not collide (read them back with the same prefix).
   */
  selectList(alias: string, prefix = ''): string {
    const escape = (name: string) => this.dataSource.driver.escape(name);
    return this.columns.map((column) => `${alias}.${escape(column.databaseName)}${prefix ? ` AS ${escape(prefix + column.databaseName)}` : ''}`).join(', ');
  }

  /** The driver's placeholder for the n-th parameter (`$1` or `?`). */
  parameter(index: number): string {
    return this.dataSource.driver.createParameter(`p${index}`, index);
  }

  /** A value as the driver stores it in this entity's column (dates on SQLite become UTC strings). */
  persisted(propertyName: string, value: unknown): unknown {
    const column = this.metadata.findColumnWithPropertyName(propertyName);
    if (!column) throw new Error(`no column ${propertyName} on ${this.metadata.name}`);
    return this.dataSource.driver.preparePersistentValue(value, column);
  }

  /**
   * Runs a read by name. On PostgreSQL it goes straight to the driver's pool as a named prepared statement
   * (parsed and planned once per connection instead of on every call, and no QueryRunner per call); on
   * SQLite straight to a prepared statement of the serializer's while no transaction is open.
   */
  async query(name: string, sql: string, parameters: unknown[]): Promise<Array<Record<string, unknown>>> {
    if (this.dataSource.options.type === 'postgres') {
      const pool = (this.dataSource.driver as unknown as { master: PgPool }).master;
      return (await pool.query({ name, text: sql, values: parameters })).rows;
    }
    return this.read(sql, parameters);
  }

  /** A reader of one column's value (for a column selected under another name); look it up once, use it per row. */
  valueReader(propertyName: string): (raw: unknown) => unknown {
    const column = this.metadata.findColumnWithPropertyName(propertyName);
    if (!column) throw new Error(`no column ${propertyName} on ${this.metadata.name}`);
    return (raw): unknown => this.dataSource.driver.prepareHydratedValue(raw, column) as unknown;
  }

  hydrate(row: Record<string, unknown>, prefix = ''): T {
    const entity = this.metadata.create() as T;
    for (const column of this.columns) column.setEntityValue(entity, this.dataSource.driver.prepareHydratedValue(row[prefix + column.databaseName], column));
    return entity;
  }
}
