import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import type { AuthContext } from '#src/auth/guards/auth-context';
import { RateLimiter } from '#src/rate-limit/rate-limiter.service';
import { CredentialsRecordService } from './credentials-record.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import { MailService } from '#src/mail/mail.service';
import { authConfig } from '#src/config/auth.config';
import { ProfileMapper } from '#src/users/profile.mapper';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { toSecurityEventDto } from '../activity/activity.service';

export interface DataExport {
  filename: string;
  body: Readable;
}

/**
 * Everything the service holds about the user, as one JSON document: profile (with the pending email change,
 * linked providers and avatar URLs), every session row, the whole security log and the second factors (names
 * and dates only). Never a secret (no hash, no token), nothing of another user. The security log is streamed
 * a page at a time, so a long one never sits in memory whole.
 */
@Injectable()
export class DataExportService {
  constructor(
    private readonly credentials: CredentialsRecordService,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly mapper: ProfileMapper,
    private readonly limiter: RateLimiter,
    private readonly mail: MailService,
    private readonly notices: SecurityNotices,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  async exportMyData(auth: AuthContext, origin: RequestOrigin): Promise<DataExport> {
    await this.limiter.consume(this.config.exportRateLimit, `data-export:${auth.userId}`);
    await this.securityEvents.record({ userId: auth.userId, type: 'data_exported', origin });
    // Best effort, off the download's path: the notice never delays or fails the export.
    void this.notices.send(auth.userId, this.mail.dataExported(auth.user));
    const exportedAt = new Date();
    return { filename: `profile-export-${exportedAt.toISOString().slice(0, 10)}.json`, body: Readable.from(this.document(auth, exportedAt)) };
  }

  private async *document(auth: AuthContext, exportedAt: Date): AsyncGenerator<string> {
    const { sessions, secondFactors } = await this.credentials.of(auth.userId, auth.sessionId);
    const head = { exportedAt: exportedAt.toISOString(), profile: this.mapper.toResponse(auth.user, auth.identities), sessions, secondFactors };
    // The head without its closing brace, then the log as an array written event by event.
    yield `${JSON.stringify(head).slice(0, -1)},"securityEvents":[`;
    let first = true;
    for await (const event of this.securityEvents.allForUser(auth.userId)) {
      yield `${first ? '' : ','}${JSON.stringify(toSecurityEventDto(event))}`;
      first = false;
    }
    yield ']}';
  }
}
