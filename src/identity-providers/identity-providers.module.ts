import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { PROFILE_CONNECTION } from '../database/profile-connection';
import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { RetentionModule } from '../retention/retention.module';
import { SecondFactorsModule } from '../second-factors/second-factors.module';
import { SecurityNoticesModule } from '../security-notices/security-notices.module';
import { StepUpModule } from '../step-up/step-up.module';
import { TakebackModule } from '../takeback/takeback.module';
import { UsersModule } from '../users/users.module';
import { LinkedProvidersController } from './linked-providers/linked-providers.controller';
import { LinkedProvidersService } from './linked-providers/linked-providers.service';
import { ProviderLinking } from './oidc/provider-linking.service';
import { OidcCallbackService } from './oidc/oidc-callback.service';
import { OidcFlowCookie } from './oidc/oidc-flow-cookie';
import { OidcFlowStarter } from './oidc/oidc-flow-starter.service';
import { OidcFlowEntity } from './oidc/oidc-flow.entity';
import { OidcFlowsRetention } from './oidc/oidc-flows.retention';
import { OidcFlowsService } from './oidc/oidc-flows.service';
import { OidcProviders } from './oidc/oidc-providers.service';
import { OidcController } from './oidc/oidc.controller';
import { ProviderStepUpController } from './oidc/provider-step-up.controller';

const FLOWS = [OidcProviders, OidcFlowsService, OidcFlowStarter, OidcCallbackService, OidcFlowCookie, OidcFlowsRetention];

/** OpenID Connect providers as one capability: signing in with one, linking and unlinking it, stepping up through it. */
@Module({
  imports: [TypeOrmModule.forFeature([OidcFlowEntity], PROFILE_CONNECTION), AuthModule, SecondFactorsModule, StepUpModule, TakebackModule, UsersModule, MailModule, SecurityNoticesModule, EventsModule, RateLimitModule, RetentionModule],
  controllers: [OidcController, ProviderStepUpController, LinkedProvidersController],
  providers: [...FLOWS, LinkedProvidersService, ProviderLinking],
})
export class IdentityProvidersModule {}
