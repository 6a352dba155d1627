import { Module } from '@nestjs/common';
import { AuthModule } from '#src/auth/auth.module';
import { EventsModule } from '#src/events/events.module';
import { MailModule } from '#src/mail/mail.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { SecurityNoticesModule } from '#src/security-notices/security-notices.module';
import { UsersModule } from '#src/users/users.module';
import { PasswordChangeService } from './password-change.service';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';
import { PasswordController } from './password.controller';
import { PasswordService } from './password.service';

/** The password: its policy, bcrypt off the event loop, the checked comparison, and the signed-in user's change. */
@Module({
  imports: [AuthModule, UsersModule, MailModule, SecurityNoticesModule, EventsModule, RateLimitModule],
  controllers: [PasswordController],
  providers: [PasswordHasher, PasswordPolicy, PasswordService, PasswordChangeService],
  exports: [PasswordService],
})
export class PasswordModule {}
