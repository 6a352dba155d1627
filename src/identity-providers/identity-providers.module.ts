import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '#src/auth/auth.module';
import { PROFILE_CONNECTION } from '#src/database/profile-connection';
import { EventsModule } from '#src/events/events.module';
import { MailModule } from '#src/mail/mail.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { RetentionModule } from '#src/retention/retention.module';
import { SecondFactorsModule } from '#src/second-factors/second-factors.module';
import { SecurityNoticesModule } from '#src/security-notices/security-notices.module';
import { StepUpModule } from '#src/step-up/step-up.module';
import { TakebackModule } from '#src/takeback/takeback.module';
import { UsersModule } from '#src/users/users.module';
import { LinkedProvidersController } from './linked-providers/linked-providers.controller';
import { LinkedProvidersService } from './linked-providers/linked-providers.service';
import { ProviderLinking } from './oidc/provider-linking.service';
import { OidcCallbackService } from './oidc/oidc-callback.service';
import { OidcClient } from './oidc/oidc-client';
import { OidcFlowCookie } from './oidc/oidc-flow-cookie';
import { OidcFlowStarter } from './oidc/oidc-flow-starter.service';
import { OidcFlowEntity } from './oidc/oidc-flow.entity';
import { OidcFlowsRetention } from './oidc/oidc-flows.retention';
import { OidcFlowsService } from './oidc/oidc-flows.service';
import { OidcProviders } from './oidc/oidc-providers.service';
import { OidcController } from './oidc/oidc.controller';
import { ProviderStepUpController } from './oidc/provider-step-up.controller';

const FLOWS = [OidcProviders, OidcClient, OidcFlowsService, OidcFlowStarter, OidcCallbackService, OidcFlowCookie, OidcFlowsRetention];

/** OpenID Connect providers as one capability: signing in with one, linking and unlinking it, stepping up through it. */
@Module({
  imports: [
    TypeOrmModule.forFeature([OidcFlowEntity], PROFILE_CONNECTION),
    AuthModule,
    SecondFactorsModule,
    StepUpModule,
    TakebackModule,
    UsersModule,
    MailModule,
    SecurityNoticesModule,
    EventsModule,
    RateLimitModule,
    RetentionModule,
  ],
  controllers: [OidcController, ProviderStepUpController, LinkedProvidersController],
  providers: [...FLOWS, LinkedProvidersService, ProviderLinking],
})
export class IdentityProvidersModule {}
