import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AppError } from '../common/errors/app-error';
import { authConfig } from '../config/auth.config';
import { type RequestOrigin, SecurityEventsService } from '../users/security-events.service';
import { UsersService } from '../users/users.service';
import { accountAttemptKey } from './account-rate-limit';
import type { AuthContext } from './guards/auth-context';
import { PasswordHasher } from './password/password-hasher.service';
import { RateLimiter } from './rate-limit/rate-limiter.service';
import { type IssuedToken, TokenService } from './tokens/token.service';

/** Re-authentication with the password, for sensitive operations. */
@Injectable()
export class StepUpService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly limiter: RateLimiter,
    private readonly securityEvents: SecurityEventsService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  /** Issues a step-up token bound to this user and session; failures share the login counter. */
  async stepUpWithPassword(auth: AuthContext, password: string, origin: RequestOrigin & { ip: string }): Promise<IssuedToken> {
    const hash = await this.users.getPasswordHash(auth.userId);
    if (!hash) throw new AppError('NO_PASSWORD', 'This account has no password; step up through a linked identity provider.');
    const attemptKey = accountAttemptKey(auth.user.email, origin.ip);
    await this.limiter.assertAllowed(this.config.accountRateLimit, attemptKey);
    if (!(await this.hasher.verify(password, hash))) {
      await this.limiter.recordFailure(this.config.accountRateLimit, attemptKey);
      throw new AppError('INVALID_CREDENTIALS', 'The password is not correct.');
    }
    await this.limiter.clear(attemptKey);
    const issued = await this.tokens.signStepUpToken(auth.userId, auth.sessionId, ['pwd']);
    await this.securityEvents.record(auth.userId, 'step_up', origin);
    return issued;
  }
}
