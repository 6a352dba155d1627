import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PROFILE_CONNECTION } from '../database/profile-connection';
import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { UsersModule } from '../users/users.module';
import { AuthMessagesController } from './auth-messages.controller';
import { CredentialAttempts } from '../rate-limit/credential-attempts.service';
import { CredentialsRecordService } from '../profile/export/credentials-record.service';
import { AuthController } from '../sign-in/sign-in.controller';
import { EmailTokenEntity } from '../users/email-tokens/email-token.entity';
import { EmailTokensService } from '../users/email-tokens/email-tokens.service';
import { FactorsController } from '../second-factors/factors.controller';
import { FactorsService } from '../second-factors/factors.service';
import { MfaTokens } from '../second-factors/mfa-tokens/mfa-tokens';
import { RecoveryCodes } from '../second-factors/recovery-codes/recovery-codes';
import { SecondFactors } from '../second-factors/second-factors';
import { MfaTokenEntity, RecoveryCodeEntity, TotpFactorEntity } from '../second-factors/second-factor.entities';
import { SecretBox } from '../second-factors/totp/secret-box';
import { TotpFactors } from '../second-factors/totp/totp-factors';
import { AccessTokenAuthenticator } from './guards/access-token.authenticator';
import { AccessGuard } from './guards/access.guard';
import { AccessStrategy } from './guards/access.strategy';
import { StepUpGuard } from './guards/step-up.guard';
import { StepUpStrategy } from './guards/step-up.strategy';
import { JwksController } from './keys/jwks.controller';
import { SigningKeysService } from './keys/signing-keys.service';
import { LinkedProvidersController } from '../identity-providers/linked-providers/linked-providers.controller';
import { LinkedProvidersService } from '../identity-providers/linked-providers/linked-providers.service';
import { ProviderLinking } from '../identity-providers/linked-providers/provider-linking.service';
import { LoginService } from '../sign-in/login.service';
import { OidcCallbackService } from '../identity-providers/oidc/oidc-callback.service';
import { OidcFlowCookie } from '../identity-providers/oidc/oidc-flow-cookie';
import { OidcFlowStarter } from '../identity-providers/oidc/oidc-flow-starter.service';
import { OidcFlowEntity } from '../identity-providers/oidc/oidc-flow.entity';
import { OidcFlowsService } from '../identity-providers/oidc/oidc-flows.service';
import { OidcProviders } from '../identity-providers/oidc/oidc-providers.service';
import { OidcController } from '../identity-providers/oidc/oidc.controller';
import { PasswordChangeService } from '../password/password-change.service';
import { PasswordHasher } from '../password/password-hasher.service';
import { PasswordPolicy } from '../password/password-policy.service';
import { PasswordController } from '../password/password.controller';
import { PasswordService } from '../password/password.service';
import { PasswordResetController } from '../takeback/reset/password-reset.controller';
import { PasswordResetService } from '../takeback/reset/password-reset.service';
import { ResetPasswordPageController } from '../takeback/reset/reset-password-page.controller';
import { RegistrationService } from '../registration/registration.service';
import { MySessionsController } from './sessions/my-sessions.controller';
import { MySessionsService } from './sessions/my-sessions.service';
import { RefreshTokenHistoryEntity } from './sessions/refresh-token-history.entity';
import { SessionEntity } from './sessions/session.entity';
import { SessionsService } from './sessions/sessions.service';
import { SignInAlertsService } from './sessions/sign-in-alerts.service';
import { StepUpController } from '../step-up/step-up.controller';
import { StepUpService } from '../step-up/step-up.service';
import { AuthCookies } from './tokens/auth-cookies';
import { TokenService } from './tokens/token.service';
import { PasskeyEntity, WebAuthnChallengeEntity } from '../second-factors/passkeys/passkey.entities';
import { Passkeys } from '../second-factors/passkeys/passkeys';
import { WebAuthnChallenges } from '../second-factors/passkeys/webauthn-challenges';
import { PasskeySignInController } from '../sign-in/passkey-sign-in.controller';
import { PasskeySignInService } from '../sign-in/passkey-sign-in.service';
import { SessionReply } from './sessions/session-reply';
import { SecurityNotices } from '../security-notices/security-notices';
import { AccountLockController } from '../takeback/lock/account-lock.controller';
import { AccountLockService } from '../takeback/lock/account-lock.service';
import { LockPagesController } from '../takeback/lock/lock-pages.controller';
import { MyLockController } from '../takeback/lock/my-lock.controller';
import { TakebackService } from '../takeback/takeback.service';

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
