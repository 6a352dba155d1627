import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { PasswordModule } from '../password/password.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SecondFactorsModule } from '../second-factors/second-factors.module';
import { SecurityNoticesModule } from '../security-notices/security-notices.module';
import { UsersModule } from '../users/users.module';
import { AccountLockController } from './lock/account-lock.controller';
import { AccountLockService } from './lock/account-lock.service';
import { LockPagesController } from './lock/lock-pages.controller';
import { MyLockController } from './lock/my-lock.controller';
import { PasswordResetController } from './reset/password-reset.controller';
import { PasswordResetService } from './reset/password-reset.service';
import { ResetPasswordPageController } from './reset/reset-password-page.controller';
import { TakebackService } from './takeback.service';

/**
 * Every way back into an account, under one rule (`TakebackService`): the password reset by mail, the unlock, and
 * (for the modules that own them) an undo link and a provider's claim of a squatted address; and the lock itself.
 */
@Module({
  imports: [AuthModule, SecondFactorsModule, PasswordModule, UsersModule, MailModule, SecurityNoticesModule, EventsModule, RateLimitModule],
  controllers: [PasswordResetController, ResetPasswordPageController, AccountLockController, MyLockController, LockPagesController],
  providers: [TakebackService, AccountLockService, PasswordResetService],
  exports: [TakebackService],
})
export class TakebackModule {}
