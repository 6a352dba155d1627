import { Module } from '@nestjs/common';
import { AuthModule } from '#src/auth/auth.module';
import { EventsModule } from '#src/events/events.module';
import { MailModule } from '#src/mail/mail.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { SecurityNoticesModule } from '#src/security-notices/security-notices.module';
import { UsersModule } from '#src/users/users.module';
import { BreachedPasswords } from './breached-passwords';
import { PasswordChangeService } from './password-change.service';
import { PasswordUpkeep } from './password-upkeep.service';
import { PasswordCheckController } from './password-check.controller';
import { PasswordStrength } from './password-strength.service';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';
import { PasswordController } from './password.controller';
import { PasswordService } from './password.service';

/** The password: its policy, bcrypt off the event loop, the checked comparison, and the signed-in user's change. */
@Module({
  imports: [AuthModule, UsersModule, MailModule, SecurityNoticesModule, EventsModule, RateLimitModule],
  controllers: [PasswordController, PasswordCheckController],
  providers: [PasswordHasher, BreachedPasswords, PasswordPolicy, PasswordService, PasswordUpkeep, PasswordStrength, PasswordChangeService],
  exports: [PasswordService, PasswordUpkeep],
})
export class PasswordModule {}
