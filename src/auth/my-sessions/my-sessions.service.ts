import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#src/database/transaction-runner';
import { EmailTokensService } from '#src/users/email-tokens/email-tokens.service';
import type { AuthContext } from '../guards/auth-context';
import { SessionsService } from '../sessions/sessions.service';
import { isUuid } from '#src/common/validation/uuid';
import { MailService } from '#src/mail/mail.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import type { SessionResponseDto } from './session-response.dto';
import { AuthErrors } from '../auth.errors';

/** The user's view of their own sessions. Another user's session is indistinguishable from none. */
@Injectable()
export class MySessionsService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly sessions: SessionsService,
    private readonly emailTokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly notices: SecurityNotices,
    private readonly securityEvents: SecurityEventsRepository,
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
      throw AuthErrors.noSuchSession();
    }
    await this.securityEvents.record({ userId, type: 'session_revoked', origin, details: { sessionId } });
  }

  /**
   * Signs out everywhere else, and ends what a session thief may have started there: a pending email change
   * is cancelled, and the owner is told which providers still sign in.
   */
  async revokeOtherSessions(auth: AuthContext, origin: RequestOrigin): Promise<void> {
    const { user, sessionId: currentSessionId } = auth;
    await this.database.run(async (tx) => {
      await this.sessions.revokeAllExcept(user.id, currentSessionId, tx);
      await this.emailTokens.cancelPendingChange(user.id, tx);
      await this.securityEvents.record({ userId: user.id, type: 'sessions_revoked', origin }, tx);
    });
    const providers = auth.identities.map((identity) => identity.provider);
    await this.notices.send(user.id, this.mail.signedOutEverywhere(user, providers));
  }
}
