import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROFILE_CONNECTION } from '../database/profile-connection';
import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { UsersModule } from '../users/users.module';
import { AuthMessagesController } from './auth-messages.controller';
import { CredentialAttempts } from './credential-attempts.service';
import { CredentialsRecordService } from './credentials-record.service';
import { AuthController } from './auth.controller';
import { EmailTokenEntity } from './email-tokens/email-token.entity';
import { EmailTokensService } from './email-tokens/email-tokens.service';
import { FactorsController } from './factors/factors.controller';
import { FactorsService } from './factors/factors.service';
import { MfaTokens } from './factors/mfa-tokens';
import { RecoveryCodes } from './factors/recovery-codes';
import { SecondFactors } from './factors/second-factors';
import { MfaTokenEntity, RecoveryCodeEntity, TotpFactorEntity } from './factors/second-factor.entities';
import { SecretBox } from './factors/secret-box';
import { TotpFactors } from './factors/totp-factors';
import { AccessTokenAuthenticator } from './guards/access-token.authenticator';
import { AccessGuard } from './guards/access.guard';
import { AccessStrategy } from './guards/access.strategy';
import { StepUpGuard } from './guards/step-up.guard';
import { StepUpStrategy } from './guards/step-up.strategy';
import { JwksController } from './jwks.controller';
import { SigningKeysService } from './keys/signing-keys.service';
import { LinkedProvidersController } from './linked-providers/linked-providers.controller';
import { LinkedProvidersService } from './linked-providers/linked-providers.service';
import { ProviderLinking } from './linked-providers/provider-linking.service';
import { LoginService } from './login.service';
import { OidcCallbackService } from './oidc/oidc-callback.service';
import { OidcFlowCookie } from './oidc/oidc-flow-cookie';
import { OidcFlowStarter } from './oidc/oidc-flow-starter.service';
import { OidcFlowEntity } from './oidc/oidc-flow.entity';
import { OidcFlowsService } from './oidc/oidc-flows.service';
import { OidcProviders } from './oidc/oidc-providers.service';
import { OidcController } from './oidc/oidc.controller';
import { PasswordChangeService } from './password/password-change.service';
import { PasswordHasher } from './password/password-hasher.service';
import { PasswordPolicy } from './password/password-policy.service';
import { PasswordController } from './password/password.controller';
import { PasswordService } from './password/password.service';
import { PasswordResetController } from './password/reset/password-reset.controller';
import { PasswordResetService } from './password/reset/password-reset.service';
import { ResetPasswordPageController } from './password/reset/reset-password-page.controller';
import { RegistrationService } from './registration.service';
import { MySessionsController } from './sessions/my-sessions.controller';
import { MySessionsService } from './sessions/my-sessions.service';
import { RefreshTokenHistoryEntity } from './sessions/refresh-token-history.entity';
import { SessionEntity } from './sessions/session.entity';
import { SessionsService } from './sessions/sessions.service';
import { SignInAlertsService } from './sign-in-alerts.service';
import { StepUpController } from './step-up.controller';
import { StepUpService } from './step-up.service';
import { AuthCookies } from './tokens/auth-cookies';
import { TokenService } from './tokens/token.service';
import { PasskeyEntity, WebAuthnChallengeEntity } from './factors/passkey.entities';
import { Passkeys } from './factors/passkeys';
import { WebAuthnChallenges } from './factors/webauthn-challenges';
import { PasskeySignInController } from './passkey-sign-in.controller';
import { PasskeySignInService } from './passkey-sign-in.service';
import { SessionReply } from './session-reply';
import { SecurityNotices } from './notices/security-notices';
import { AccountLockController } from './takeback/account-lock.controller';
import { AccountLockService } from './takeback/account-lock.service';
import { LockPagesController } from './takeback/lock-pages.controller';
import { MyLockController } from './takeback/my-lock.controller';
import { TakebackService } from './takeback/takeback.service';

/**
 * Who the caller is and what they may do: keys and tokens, sessions, sign-in (password, provider, passkey), step-up,
 * the guards, and the credentials a user manages (password, second factors, sessions, linked providers).
 */
@Module({
  imports: [
    PassportModule.register({ session: false }),
    TypeOrmModule.forFeature([SessionEntity, RefreshTokenHistoryEntity, EmailTokenEntity, OidcFlowEntity, TotpFactorEntity, RecoveryCodeEntity, MfaTokenEntity, PasskeyEntity, WebAuthnChallengeEntity], PROFILE_CONNECTION),
    UsersModule,
    MailModule,
    EventsModule,
    RateLimitModule,
  ],
  controllers: [
    AuthController,
    PasskeySignInController,
    PasswordResetController,
    ResetPasswordPageController,
    PasswordController,
    StepUpController,
    OidcController,
    LinkedProvidersController,
    MySessionsController,
    FactorsController,
    JwksController,
    AuthMessagesController,
    AccountLockController,
    MyLockController,
    LockPagesController,
  ],
  providers: [
    SigningKeysService,
    TokenService,
    SessionsService,
    MySessionsService,
    EmailTokensService,
    PasswordHasher,
    PasswordPolicy,
    CredentialAttempts,
    PasswordService,
    PasswordChangeService,
    PasswordResetService,
    AccessTokenAuthenticator,
    AccessStrategy,
    StepUpStrategy,
    AccessGuard,
    StepUpGuard,
    AuthCookies,
    LoginService,
    SignInAlertsService,
    StepUpService,
    RegistrationService,
    OidcProviders,
    OidcFlowsService,
    OidcFlowStarter,
    OidcCallbackService,
    OidcFlowCookie,
    LinkedProvidersService,
    ProviderLinking,
    SecretBox,
    TotpFactors,
    RecoveryCodes,
    MfaTokens,
    WebAuthnChallenges,
    Passkeys,
    SecondFactors,
    PasskeySignInService,
    SessionReply,
    FactorsService,
    CredentialsRecordService,
    SecurityNotices,
    TakebackService,
    AccountLockService,
  ],
  // What the other feature modules need: the guards, clearing the token cookies, the sessions and factors a data
  // export lists, the link tokens of an email change, taking an account back when its undo link is followed, and
  // security notices with their lock link.
  exports: [AccessGuard, StepUpGuard, AuthCookies, CredentialsRecordService, EmailTokensService, TakebackService, SecurityNotices],
})
export class AuthModule {}
