import { Column, type ColumnOptions } from 'typeorm';
import type { DatabaseKind } from '#src/config/database.config';

/** The options objects of every timestamp column; TypeORM keeps these very objects in its metadata. */
const timestampColumns: ColumnOptions[] = [];
/** The type of the connection last opened; columns declared after it (entities the CLI loads late) take it too. */
let currentType: 'timestamptz' | 'datetime' = 'datetime';

/**
 * A point in time: `timestamptz` on PostgreSQL, `datetime` on SQLite. The type is set by
 * useTimestampTypes() from the settings the connection is opened with, before TypeORM builds its metadata.
 */
export function TimestampColumn(options: Omit<ColumnOptions, 'type'>): PropertyDecorator {
  const own: ColumnOptions = { ...options, type: currentType };
  timestampColumns.push(own);
  return Column(own);
}

export function useTimestampTypes(kind: DatabaseKind): void {
  currentType = kind === 'postgres' ? 'timestamptz' : 'datetime';
  for (const column of timestampColumns) column.type = currentType;
}
