import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { type RequestOrigin, SecurityEventsRepository } from '../users/security-events.repository';
import { UsersRepository } from '../users/users.repository';
import type { AuthContext } from './guards/auth-context';
import { PasswordService } from './password/password.service';
import { type IssuedToken, TokenService } from './tokens/token.service';

/** Re-authentication with the password, for sensitive operations. */
@Injectable()
export class StepUpService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
    private readonly securityEvents: SecurityEventsRepository,
  ) {}

  /** Issues a step-up token bound to this user and session; failures share the login counter. */
  async stepUpWithPassword(auth: AuthContext, password: string, origin: RequestOrigin & { ip: string }): Promise<IssuedToken> {
    const hash = await this.users.getPasswordHash(auth.userId);
    if (!hash) throw new AppError('NO_PASSWORD', 'This account has no password; step up through a linked identity provider.');
    if (!(await this.passwords.check(auth.user.email, origin.ip, password, hash))) {
      await this.securityEvents.record(auth.userId, 'step_up_failed', origin);
      throw new AppError('INVALID_CREDENTIALS', 'The password is not correct.');
    }
    const issued = await this.tokens.signStepUpToken(auth.userId, auth.sessionId, ['pwd']);
    await this.securityEvents.record(auth.userId, 'step_up', origin);
    return issued;
  }
}
