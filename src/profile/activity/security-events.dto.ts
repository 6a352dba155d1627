import { ApiTimestamp, ApiUuid } from '#src/common/decorators/api-formats.decorator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class SecurityEventsQueryDto {
  /** How many events (1–100). @example 20 */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** The `next` cursor of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'before must be a cursor from a previous page' })
  before?: string;
}

export class SecurityEventDto {
  @ApiUuid()
  id: string;

  /** @example "login" */
  type: string;

  /** @example "2026-12-01T09:00:00.000Z" */
  @ApiTimestamp()
  at: string;

  /** As the service saw it. */
  ip: string | null;

  userAgent: string | null;

  /** A few facts, never a secret: `{ provider }`, `{ sessionId }`. */
  details: Record<string, unknown>;
}

export class SecurityEventsPageDto {
  items: SecurityEventDto[];

  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
}
