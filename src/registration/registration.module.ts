import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { PasswordModule } from '../password/password.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { UsersModule } from '../users/users.module';
import { RegistrationController } from './registration.controller';
import { RegistrationService } from './registration.service';

/** Creating an account with a password, and sending its verification link again. */
@Module({
  imports: [PasswordModule, UsersModule, MailModule, RateLimitModule],
  controllers: [RegistrationController],
  providers: [RegistrationService],
})
export class RegistrationModule {}
