import { Injectable } from '@nestjs/common';
import { SessionsService } from '../auth/sessions/sessions.service';
import { AppError } from '../common/errors/app-error';
import { isUuid } from '../common/validation/uuid';
import { type RequestOrigin, SecurityEventsService } from '../users/security-events.service';
import type { SessionResponseDto } from './dto/session-response.dto';

/** The user's view of their own sessions. Another user's session is indistinguishable from none. */
@Injectable()
export class MySessionsService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly securityEvents: SecurityEventsService,
  ) {}

  async listSessions(userId: string, currentSessionId: string): Promise<SessionResponseDto[]> {
    const sessions = await this.sessions.listLive(userId);
    return sessions.map((session) => ({
      id: session.id,
      current: session.id === currentSessionId,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      userAgent: session.userAgent,
      ip: session.ip,
    }));
  }

  async revokeSession(userId: string, sessionId: string, origin: RequestOrigin): Promise<void> {
    if (!isUuid(sessionId) || !(await this.sessions.revokeOwn(userId, sessionId))) {
      throw new AppError('NOT_FOUND', 'No such session.');
    }
    await this.securityEvents.record(userId, 'session_revoked', origin);
  }

  async revokeOtherSessions(userId: string, currentSessionId: string, origin: RequestOrigin): Promise<void> {
    await this.sessions.revokeAllExcept(userId, currentSessionId);
    await this.securityEvents.record(userId, 'other_sessions_revoked', origin);
  }
}
