import { ErasureModule } from '#src/erasure/erasure.module';
import { Module } from '@nestjs/common';
import { AuthModule } from '#src/auth/auth.module';
import { EventsModule } from '#src/events/events.module';
import { MailModule } from '#src/mail/mail.module';
import { PasswordModule } from '#src/password/password.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { SecondFactorsModule } from '#src/second-factors/second-factors.module';
import { SecurityNoticesModule } from '#src/security-notices/security-notices.module';
import { UsersModule } from '#src/users/users.module';
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
  imports: [AuthModule, SecondFactorsModule, PasswordModule, UsersModule, MailModule, SecurityNoticesModule, EventsModule, ErasureModule, RateLimitModule],
  controllers: [PasswordResetController, ResetPasswordPageController, AccountLockController, MyLockController, LockPagesController],
  providers: [TakebackService, AccountLockService, PasswordResetService],
  exports: [TakebackService],
})
export class TakebackModule {}
