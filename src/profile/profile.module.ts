import { type DynamicModule, Module } from '@nestjs/common';
import type { Settings } from '../config/settings-token';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { AllExceptionsFilter } from '../common/http/all-exceptions.filter';
import { createValidationPipe } from '../common/validation/validation.pipe';
import { databaseConfig, dataSourceOptions } from '../config/database.config';
import { PROFILE_SETTINGS, SettingsModule } from '../config/settings.module';
import { connectDataSource } from '../database/connect';
import { DatabaseModule } from '../database/database.module';
import { PROFILE_CONNECTION } from '../database/profile-connection';
import { EventsModule } from '../events/events.module';
import { RetentionModule } from '../retention/retention.module';
import { AuthModule } from '../auth/auth.module';
import { AvatarModule } from '../avatar/avatar.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { AccountSecurityService } from './account-security.service';
import { ActivityController } from './activity/activity.controller';
import { ActivityService } from './activity/activity.service';
import { DataExportController } from './export/data-export.controller';
import { DataExportService } from './export/data-export.service';
import { AvatarController } from './avatar.controller';
import { AvatarUploadRateLimitGuard } from './avatar-upload-rate-limit.guard';
import { EmailController } from './email.controller';
import { IdentityProvidersController } from './identity-providers.controller';
import { LinkedProvidersService } from './linked-providers.service';
import { MySessionsService } from './my-sessions.service';
import type { ProfileModuleAsyncOptions, ProfileModuleOptions } from './profile-module.options';
import { ProfileMessagesController } from './profile-messages.controller';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';
import { SessionsController } from './sessions.controller';

@Module({
  imports: [AuthModule, AvatarModule, UsersModule, MailModule, EventsModule],
  controllers: [ProfileController, ActivityController, DataExportController, EmailController, AvatarController, SessionsController, IdentityProvidersController, ProfileMessagesController],
  providers: [ProfileService, ActivityService, DataExportService, AccountSecurityService, MySessionsService, LinkedProvidersService, AvatarUploadRateLimitGuard],
})
export class ProfileModule {
  /**
   * The whole feature for a host application: settings, its own database connection (migrated on start
   * unless DB_MIGRATE=false), events, and the contract's validation and error shape. The host registers
   * the Fastify plugins with configureProfileHttp() (see examples/host-app).
   */
  static forRoot(options: ProfileModuleOptions): DynamicModule {
    return ProfileModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: ProfileModuleAsyncOptions): DynamicModule {
    const settings = {
      provide: PROFILE_SETTINGS,
      inject: options.inject ?? [],
      useFactory: async (...args: never[]) => (await options.useFactory(...args)).settings,
    };
    return {
      module: ProfileModule,
      imports: [
        SettingsModule.register(settings, options.imports),
        TypeOrmModule.forRootAsync({
          inject: [databaseConfig.KEY],
          // Retries are connectDataSource's (one line each); Nest's own would log a stack trace per attempt.
          name: PROFILE_CONNECTION,
          useFactory: (config: Settings<typeof databaseConfig>) => ({ ...dataSourceOptions(config), autoLoadEntities: true, retryAttempts: 0 }),
          dataSourceFactory: (options) => connectDataSource(options as DataSourceOptions),
        }),
        DatabaseModule,
        EventEmitterModule.forRoot(),
        EventsModule,
        RetentionModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
