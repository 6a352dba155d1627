import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EmailChangeService } from '../auth/email-change/email-change.service';
import type { AuthContext } from '../auth/guards/auth-context';
import { SessionsService } from '../auth/sessions/sessions.service';
import { AppError } from '../common/errors/app-error';
import { isUuid } from '../common/validation/uuid';
import { MailService } from '../mail/mail.service';
import { type RequestOrigin, SecurityEventsService } from '../users/security-events.service';
import type { SessionResponseDto } from './dto/session-response.dto';

/** The user's view of their own sessions. Another user's session is indistinguishable from none. */
@Injectable()
export class MySessionsService {
  private readonly logger = new Logger(MySessionsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly emailChange: EmailChangeService,
    private readonly mail: MailService,
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
    await this.securityEvents.record(userId, 'session_revoked', origin, undefined, { sessionId });
  }

  /**
   * Signs out everywhere else, and ends what a session thief may have started there: a pending email change
   * is cancelled, and the owner is told which providers still sign in.
   */
  async revokeOtherSessions(auth: AuthContext, origin: RequestOrigin): Promise<void> {
    const { user, sessionId: currentSessionId } = auth;
    await this.dataSource.transaction(async (manager) => {
      await this.sessions.revokeAllExcept(user.id, currentSessionId, manager);
      await this.emailChange.cancelPendingChange(user.id, manager);
      await this.securityEvents.record(user.id, 'sessions_revoked', origin, manager);
    });
    const providers = auth.identities.map((identity) => identity.provider);
    await this.mail.sendSignedOutEverywhere(user.email, providers).catch((error: Error) => this.logger.error(`signed-out mail failed: ${error.message}`));
  }
}
