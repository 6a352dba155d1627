import { ApiProperty } from '@nestjs/swagger';

/** An ISO 8601 instant in UTC (`2026-12-01T09:00:00.000Z`), as every timestamp of the API is written. */
export function ApiTimestamp(): PropertyDecorator {
  return ApiProperty({ type: String, format: 'date-time', example: '2026-12-01T09:00:00.000Z' });
}

/** A UUID: every id of the API. */
export function ApiUuid(): PropertyDecorator {
  return ApiProperty({ type: String, format: 'uuid', example: '0b0e5d8e-3c1d-4c8e-9f55-0d5a9f0e7f11' });
}

/** A whole number (OpenAPI's `integer`; TypeScript has only `number`). */
export function ApiInteger(example?: number): PropertyDecorator {
  return ApiProperty({ type: 'integer', ...(example === undefined ? {} : { example }) });
}
