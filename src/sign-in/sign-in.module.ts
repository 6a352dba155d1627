import { Module } from '@nestjs/common';
import { AuthModule } from '#src/auth/auth.module';
import { PasswordModule } from '#src/password/password.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { SecondFactorsModule } from '#src/second-factors/second-factors.module';
import { UsersModule } from '#src/users/users.module';
import { LoginService } from './login.service';
import { PasskeySignInController } from './passkey-sign-in.controller';
import { PasskeySignInService } from './passkey-sign-in.service';
import { SignInController } from './sign-in.controller';

/** Signing in (password and its second step, passkey), refreshing and signing out. */
@Module({
  imports: [AuthModule, PasswordModule, SecondFactorsModule, UsersModule, RateLimitModule],
  controllers: [SignInController, PasskeySignInController],
  providers: [LoginService, PasskeySignInService],
})
export class SignInModule {}
