import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROFILE_CONNECTION } from '#src/database/profile-connection';
import { MailModule } from '#src/mail/mail.module';
import { RetentionModule } from '#src/retention/retention.module';
import { SecurityNoticesModule } from '#src/security-notices/security-notices.module';
import { UsersModule } from '#src/users/users.module';
import { AuthMessagesController } from './auth-messages.controller';
import { AccessTokenAuthenticator } from './guards/access-token.authenticator';
import { AccessGuard } from './guards/access.guard';
import { AccessStrategy } from './guards/access.strategy';
import { VerifiedAccessTokens } from './guards/verified-access-tokens';
import { StepUpGuard } from './guards/step-up.guard';
import { StepUpStrategy } from './guards/step-up.strategy';
import { JwksController } from './keys/jwks.controller';
import { SigningKeysService } from './keys/signing-keys.service';
import { MySessionsController } from './my-sessions/my-sessions.controller';
import { MySessionsService } from './my-sessions/my-sessions.service';
import { RefreshTokenHistoryEntity } from './sessions/refresh-token-history.entity';
import { SessionIssuer } from './sessions/session-issuer';
import { SessionReply } from './sessions/session-reply';
import { SessionEntity } from './sessions/session.entity';
import { SessionsRetention } from './sessions/sessions.retention';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionsService } from './sessions/sessions.service';
import { SignInAlertsService } from './sessions/sign-in-alerts.service';
import { AuthCookies } from './tokens/auth-cookies';
import { TokenService } from './tokens/token.service';

const KEYS_AND_TOKENS = [SigningKeysService, TokenService, AuthCookies];
const GUARDS = [AccessTokenAuthenticator, VerifiedAccessTokens, AccessStrategy, StepUpStrategy, AccessGuard, StepUpGuard];
const SESSIONS = [SessionsRepository, SessionsService, SessionIssuer, SessionReply, SignInAlertsService, MySessionsService, SessionsRetention];

/**
 * Who is calling: the signing keys and JWKS, the tokens and their cookies, the guards, and the sessions, with the
 * one `SessionIssuer` every sign-in path opens a session through. It knows no way of signing in.
 */
@Module({
  imports: [
    PassportModule.register({ session: false }),
    TypeOrmModule.forFeature([SessionEntity, RefreshTokenHistoryEntity], PROFILE_CONNECTION),
    UsersModule,
    MailModule,
    SecurityNoticesModule,
    RetentionModule,
  ],
  controllers: [JwksController, MySessionsController, AuthMessagesController],
  providers: [...KEYS_AND_TOKENS, ...GUARDS, ...SESSIONS],
  // AccessGuard is made in each module that uses it: what it is made of comes from here.
  exports: [AccessGuard, StepUpGuard, VerifiedAccessTokens, AccessTokenAuthenticator, AuthCookies, TokenService, SessionsService, SessionIssuer, SessionReply],
})
export class AuthModule {}
