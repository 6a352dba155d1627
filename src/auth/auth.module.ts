import { Module } from '@nestjs/common';
import type { Settings } from '../config/settings-token';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { authConfig } from '../config/auth.config';
import { PROFILE_CONNECTION } from '../database/profile-connection';
import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { AuthMessagesController } from './auth-messages.controller';
import { AuthController } from './auth.controller';
import { EmailChangeService } from './email-change/email-change.service';
import { EmailTokenEntity } from './email-tokens/email-token.entity';
import { EmailTokensService } from './email-tokens/email-tokens.service';
import { AccessTokenAuthenticator } from './guards/access-token.authenticator';
import { AccessGuard } from './guards/access.guard';
import { AccessStrategy } from './guards/access.strategy';
import { StepUpStrategy } from './guards/step-up.strategy';
import { StepUpGuard } from './guards/step-up.guard';
import { JwksController } from './jwks.controller';
import { OidcCallbackService } from './oidc/oidc-callback.service';
import { OidcFlowCookie } from './oidc/oidc-flow-cookie';
import { OidcFlowEntity } from './oidc/oidc-flow.entity';
import { OidcFlowStarter } from './oidc/oidc-flow-starter.service';
import { OidcFlowsService } from './oidc/oidc-flows.service';
import { OidcProviders } from './oidc/oidc-providers.service';
import { OidcController } from './oidc/oidc.controller';
import { SigningKeysService } from './keys/signing-keys.service';
import { LoginService } from './login.service';
import { EmailLinkPagesController } from './pages/email-link-pages.controller';
import { PasswordAttempts } from './password/password-attempts.service';
import { PasswordHasher } from './password/password-hasher.service';
import { PasswordPolicy } from './password/password-policy.service';
import { AuthIpRateLimitGuard } from './rate-limit/auth-ip-rate-limit.guard';
import { MemoryRateLimitStore } from './rate-limit/memory-rate-limit.store';
import { RateLimitStore } from './rate-limit/rate-limit.store';
import { RateLimiter } from './rate-limit/rate-limiter.service';
import { RegistrationService } from './registration.service';
import { SignInAlertsService } from './sign-in-alerts.service';
import { PasswordResetController } from './password-reset/password-reset.controller';
import { PasswordResetService } from './password-reset/password-reset.service';
import { RefreshTokenHistoryEntity } from './sessions/refresh-token-history.entity';
import { SessionEntity } from './sessions/session.entity';
import { SessionsService } from './sessions/sessions.service';
import { StepUpController } from './step-up.controller';
import { StepUpService } from './step-up.service';
import { AuthCookies } from './tokens/auth-cookies';
import { TokenService } from './tokens/token.service';

@Module({
  imports: [PassportModule.register({ session: false }), TypeOrmModule.forFeature([SessionEntity, RefreshTokenHistoryEntity, EmailTokenEntity, OidcFlowEntity], PROFILE_CONNECTION), UsersModule, MailModule, EventsModule],
  controllers: [AuthController, PasswordResetController, StepUpController, OidcController, JwksController, EmailLinkPagesController, AuthMessagesController],
  providers: [
    SigningKeysService,
    TokenService,
    SessionsService,
    EmailTokensService,
    PasswordHasher,
    PasswordPolicy,
    PasswordAttempts,
    {
      provide: RateLimitStore,
      inject: [authConfig.KEY],
      // Redis (and its client library) only when configured: ioredis alone adds ~18 MB to the idle process.
      useFactory: async (config: Settings<typeof authConfig>): Promise<RateLimitStore> => {
        if (!config.redisUrl) return new MemoryRateLimitStore();
        const { RedisRateLimitStore } = await import('./rate-limit/redis-rate-limit.store.js');
        return new RedisRateLimitStore(config.redisUrl, config.redisKeyPrefix);
      },
    },
    RateLimiter,
    AuthIpRateLimitGuard,
    AccessTokenAuthenticator,
    AccessStrategy,
    StepUpStrategy,
    AccessGuard,
    StepUpGuard,
    AuthCookies,
    LoginService,
    SignInAlertsService,
    PasswordResetService,
    StepUpService,
    RegistrationService,
    EmailChangeService,
    OidcProviders,
    OidcFlowsService,
    OidcFlowStarter,
    OidcCallbackService,
    OidcFlowCookie,
  ],
  exports: [
    OidcProviders,
    OidcFlowStarter,
    OidcFlowCookie,
    EmailChangeService,
    AccessGuard,
    AccessTokenAuthenticator,
    StepUpGuard,
    SessionsService,
    TokenService,
    PasswordHasher,
    PasswordPolicy,
    RateLimiter,
    EmailTokensService,
    AuthCookies,
  ],
})
export class AuthModule {}
