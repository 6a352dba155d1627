import { Injectable } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error';
import { isUuid } from '#src/common/validation/uuid';
import type { SecurityEventEntity } from '#src/users/security-event.entity';
import { SecurityEventsRepository } from '#src/users/security-events.repository';
import type { SecurityEventDto, SecurityEventsPageDto } from './security-events.dto';

const DEFAULT_LIMIT = 20;

/** The cursor is opaque to clients: the last event's time and id, base64url. */
function encodeCursor(event: SecurityEventEntity): string {
  return Buffer.from(`${event.createdAt.toISOString()}|${event.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (Number.isNaN(date.getTime()) || !isUuid(id ?? '')) {
    throw new AppError('VALIDATION_FAILED', 'The request is not valid.', { fields: { before: ['before must be a cursor from a previous page'] } });
  }
  return { at: date, id };
}

export function toSecurityEventDto(event: SecurityEventEntity): SecurityEventDto {
  return {
    id: event.id,
    type: event.type,
    at: event.createdAt.toISOString(),
    ip: event.ip,
    userAgent: event.userAgent,
    details: event.details ? (JSON.parse(event.details) as Record<string, unknown>) : {},
  };
}

/** The user's own security log, newest first, a page at a time. */
@Injectable()
export class ActivityService {
  constructor(private readonly securityEvents: SecurityEventsRepository) {}

  async listMyEvents(userId: string, limit = DEFAULT_LIMIT, before?: string): Promise<SecurityEventsPageDto> {
    // One more than asked: whether it exists says whether there is a next page.
    const rows = await this.securityEvents.listForUser(userId, limit + 1, before === undefined ? undefined : decodeCursor(before));
    const page = rows.slice(0, limit);
    return { items: page.map(toSecurityEventDto), next: rows.length > limit ? encodeCursor(page[page.length - 1]) : null };
  }
}
