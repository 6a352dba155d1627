import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { PasswordModule } from '../password/password.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { UsersModule } from '../users/users.module';
import { RegistrationController } from './registration.controller';
import { RegistrationService } from './registration.service';
import { UnverifiedAccountsRetention } from './unverified-accounts.retention';
import { EventsModule } from '../events/events.module';
import { RetentionModule } from '../retention/retention.module';

/** Creating an account with a password, and sending its verification link again. */
@Module({
  imports: [PasswordModule, UsersModule, MailModule, EventsModule, RateLimitModule, RetentionModule],
  controllers: [RegistrationController],
  providers: [RegistrationService, UnverifiedAccountsRetention],
})
export class RegistrationModule {}
