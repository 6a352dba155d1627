import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import Bowser from 'bowser';
import { authConfig } from '#src/config/auth.config';
import { MailService, type NewSignIn } from '#src/mail/mail.service';
import { SecurityNotices } from '#src/security-notices/security-notices';
import type { RequestOrigin } from '#src/users/security-events.repository';
import { SecurityEventsRepository } from '#src/users/security-events.repository';
import type { UserEntity } from '#src/users/user.entity';

/** How far back a browser and IP count as known. */
const KNOWN_FOR_DAYS = 90;

/** The browser family and OS of a user agent ("Chrome", "Linux"): what a person recognises, not the exact version. */
export function deviceOf(userAgent: string | null): { browser: string | null; os: string | null } {
  if (!userAgent) return { browser: null, os: null };
  const parser = Bowser.getParser(userAgent);
  return { browser: parser.getBrowserName() || null, os: parser.getOSName() || null };
}

/** Two sign-ins came from the same device when browser family and OS agree. */
function sameDevice(a: string | null, b: string | null): boolean {
  const [x, y] = [deviceOf(a), deviceOf(b)];
  return x.browser === y.browser && x.os === y.os;
}

/**
 * NEW_SIGNIN_ALERTS: a mail when an account signs in from a browser (family and OS) and IP it has not signed
 * in from in the last 90 days, saying what, when, from where, and how to end that session. The first sign-in
 * of an account alerts nobody. Runs after the sign-in has succeeded and never fails or delays it.
 */
@Injectable()
export class SignInAlertsService {
  private readonly logger = new Logger(SignInAlertsService.name);

  constructor(
    private readonly securityEvents: SecurityEventsRepository,
    private readonly mail: MailService,
    private readonly notices: SecurityNotices,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  /** Call before recording this sign-in's own event (only earlier sign-ins are compared). */
  afterSignIn(user: UserEntity, sessionId: string, method: NewSignIn['method'], origin: RequestOrigin): void {
    if (!this.config.newSignInAlerts) return;
    this.check(user, sessionId, method, origin, new Date()).catch((error: Error) => this.logger.warn(`sign-in alert skipped: ${error.message}`));
  }

  private async check(user: UserEntity, sessionId: string, method: NewSignIn['method'], origin: RequestOrigin, at: Date): Promise<void> {
    const since = new Date(at.getTime() - KNOWN_FOR_DAYS * 24 * 3600 * 1000);
    const earlier = await this.securityEvents.recentSignIns(user.id, since, at);
    if (earlier.length === 0) return; // the account's first sign-in
    if (earlier.some((event) => event.ip === origin.ip && sameDevice(event.userAgent, origin.userAgent))) return;
    await this.notices.send(user.id, this.mail.newSignIn(user, { method, at, ip: origin.ip, ...deviceOf(origin.userAgent), sessionId }));
  }
}
