import { ErasureModule } from '#src/erasure/erasure.module';
import { Module } from '@nestjs/common';
import { MailModule } from '#src/mail/mail.module';
import { PasswordModule } from '#src/password/password.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { UsersModule } from '#src/users/users.module';
import { RegistrationController } from './registration.controller';
import { RegistrationService } from './registration.service';
import { UnverifiedAccountsRetention } from './unverified-accounts.retention';
import { EventsModule } from '#src/events/events.module';
import { RetentionModule } from '#src/retention/retention.module';

/** Creating an account with a password, and sending its verification link again. */
@Module({
  imports: [PasswordModule, UsersModule, MailModule, EventsModule, ErasureModule, RateLimitModule, RetentionModule],
  controllers: [RegistrationController],
  providers: [RegistrationService, UnverifiedAccountsRetention],
})
export class RegistrationModule {}
