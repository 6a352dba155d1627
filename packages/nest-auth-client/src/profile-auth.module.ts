import { ConfigurableModuleBuilder, type DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { PROFILE_AUTH_OPTIONS, type ProfileAuthOptions, assertProfileAuthOptions } from './options';
import { ProfileAuthGuard } from './profile-auth.guard';
import { ProfileJwtStrategy } from './profile-jwt.strategy';

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<ProfileAuthOptions>({
  optionsInjectionToken: PROFILE_AUTH_OPTIONS,
  moduleName: 'ProfileAuth',
})
  .setClassMethodName('forRoot')
  .build();

/**
 * `ProfileAuthModule.forRoot({ jwksUrl, issuer, audience, sessionCheck? })`, or `forRootAsync({ imports, inject,
 * useFactory })` for options from the host's configuration; then `@UseGuards(ProfileAuthGuard)`. Options that would
 * turn a check off stop the start (the strategy checks them again for the async form).
 */
@Module({
  imports: [PassportModule],
  providers: [ProfileJwtStrategy, ProfileAuthGuard],
  exports: [ProfileAuthGuard],
})
export class ProfileAuthModule extends ConfigurableModuleClass {
  static forRoot(options: ProfileAuthOptions): DynamicModule {
    assertProfileAuthOptions(options);
    return super.forRoot(options);
  }
}
