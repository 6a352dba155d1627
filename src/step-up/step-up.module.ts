import { Module } from '@nestjs/common';
import { AuthModule } from '#src/auth/auth.module';
import { PasswordModule } from '#src/password/password.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { SecondFactorsModule } from '#src/second-factors/second-factors.module';
import { UsersModule } from '#src/users/users.module';
import { StepUpController } from './step-up.controller';
import { StepUpService } from './step-up.service';

/** Issuing a step-up token: for the password, a second-factor code or a passkey here, for a provider from its callback. */
@Module({
  imports: [AuthModule, PasswordModule, SecondFactorsModule, UsersModule, RateLimitModule],
  controllers: [StepUpController],
  providers: [StepUpService],
  exports: [StepUpService],
})
export class StepUpModule {}
