import { type DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { AuthModule } from './auth/auth.module';
import { IdentityProvidersModule } from './identity-providers/identity-providers.module';
import { PasswordModule } from './password/password.module';
import { RegistrationModule } from './registration/registration.module';
import { SecondFactorsModule } from './second-factors/second-factors.module';
import { SignInModule } from './sign-in/sign-in.module';
import { StepUpModule } from './step-up/step-up.module';
import { TakebackModule } from './takeback/takeback.module';
import { AvatarModule } from './avatar/avatar.module';
import { databaseConfig } from './config/database.config';
import { dataSourceOptions } from './database/data-source-options';
import { PROFILE_SETTINGS, SettingsModule } from './config/settings.module';
import type { Settings } from './config/settings-token';
import { connectDataSource } from './database/connect';
import { DatabaseModule } from './database/database.module';
import { PROFILE_CONNECTION } from './database/profile-connection';
import { EmailChangeModule } from './email-change/email-change.module';
import { EventsModule } from './events/events.module';
import { ProfileModule } from './profile/profile.module';
import type { ProfileServiceAsyncOptions, ProfileServiceOptions } from './profile-service.options';
import { RetentionModule } from './retention/retention.module';
import { I18nModule } from './i18n/i18n.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ErasureModule } from './erasure/erasure.module';

/**
 * The whole profile service as one import: its settings, its own database connection (named, migrated on start
 * unless DB_MIGRATE=false), its events, and the feature modules. Everything it registers is its own (symbol
 * settings tokens, a named connection, per-controller validation and errors), so a host application keeps its
 * settings, its default connection, and the validation and errors of its own routes. The host registers the
 * Fastify plugins with configureProfileHttp() (see examples/host-app).
 */
@Module({})
export class ProfileServiceModule {
  static forRoot(options: ProfileServiceOptions): DynamicModule {
    return ProfileServiceModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: ProfileServiceAsyncOptions): DynamicModule {
    const settings = {
      provide: PROFILE_SETTINGS,
      inject: options.inject ?? [],
      useFactory: async (...args: never[]) => (await options.useFactory(...args)).settings,
    };
    return {
      module: ProfileServiceModule,
      imports: [
        SettingsModule.register(settings, options.imports),
        TypeOrmModule.forRootAsync({
          name: PROFILE_CONNECTION,
          inject: [databaseConfig.KEY],
          // Retries are connectDataSource's (one line each); Nest's own would log a stack trace per attempt.
          useFactory: (config: Settings<typeof databaseConfig>) => ({ ...dataSourceOptions(config), autoLoadEntities: true, retryAttempts: 0 }),
          dataSourceFactory: (dataSource) => connectDataSource(dataSource as DataSourceOptions),
        }),
        EventEmitterModule.forRoot(),
        DatabaseModule,
        I18nModule,
        EventsModule,
        WebhooksModule,
        ErasureModule,
        RetentionModule,
        AuthModule,
        RegistrationModule,
        SignInModule,
        PasswordModule,
        StepUpModule,
        IdentityProvidersModule,
        SecondFactorsModule,
        TakebackModule,
        EmailChangeModule,
        AvatarModule,
        ProfileModule,
      ],
    };
  }
}
