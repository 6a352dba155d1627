import { type DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { PROFILE_AUTH_OPTIONS, type ProfileAuthOptions, assertProfileAuthOptions } from './options';
import { ProfileAuthGuard } from './profile-auth.guard';
import { ProfileJwtStrategy } from './profile-jwt.strategy';

/** `ProfileAuthModule.forRoot({ jwksUrl, issuer, audience, sessionCheck? })`, then `@UseGuards(ProfileAuthGuard)`. */
@Module({})
export class ProfileAuthModule {
  static forRoot(options: ProfileAuthOptions): DynamicModule {
    assertProfileAuthOptions(options);
    return {
      module: ProfileAuthModule,
      imports: [PassportModule],
      providers: [{ provide: PROFILE_AUTH_OPTIONS, useValue: options }, ProfileJwtStrategy, ProfileAuthGuard],
      exports: [ProfileAuthGuard],
    };
  }
}
