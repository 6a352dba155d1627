import { Injectable } from '@nestjs/common';
import { type FactorsOverview, FactorsService } from '#src/second-factors/factors.service';
import { SessionsService } from '#src/auth/sessions/sessions.service';

export interface CredentialsRecord {
  sessions: Array<{
    id: string;
    current: boolean;
    createdAt: string;
    lastUsedAt: string;
    expiresAt: string;
    revokedAt: string | null;
    userAgent: string | null;
    ip: string | null;
  }>;
  secondFactors: FactorsOverview;
}

/** What auth holds about a user, for the data export: every session row, and the second factors (dates and counts, never a secret). */
@Injectable()
export class CredentialsRecordService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly factors: FactorsService,
  ) {}

  async of(userId: string, currentSessionId: string): Promise<CredentialsRecord> {
    const [sessions, secondFactors] = await Promise.all([this.sessions.listAll(userId), this.factors.overview(userId)]);
    return {
      sessions: sessions.map((session) => ({
        id: session.id,
        current: session.id === currentSessionId,
        createdAt: session.createdAt.toISOString(),
        lastUsedAt: session.lastUsedAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
        revokedAt: session.revokedAt?.toISOString() ?? null,
        userAgent: session.userAgent,
        ip: session.ip,
      })),
      secondFactors,
    };
  }
}
