import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module';
import { AvatarModule } from './avatar/avatar.module';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter';
import { createValidationPipe } from './common/validation/validation.pipe';
import { appConfig } from './config/app.config';
import { authConfig } from './config/auth.config';
import { avatarConfig } from './config/avatar.config';
import { databaseConfig, dataSourceOptions } from './config/database.config';
import { eventsConfig, parseEventsConfig } from './config/events.config';
import { mailConfig } from './config/mail.config';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { ProfileModule } from './profile/profile.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, authConfig, avatarConfig, databaseConfig, eventsConfig, mailConfig] }),
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: (config: ConfigType<typeof databaseConfig>) => ({ ...dataSourceOptions(config), autoLoadEntities: true }),
    }),
    EventEmitterModule.forRoot(),
    AuthModule,
    AvatarModule,
    ProfileModule,
    HealthModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class AppModule {
  /** The application as the environment configures it (read at call time, so tests can set it first). */
  static register(): DynamicModule {
    return { module: AppModule, imports: [EventsModule.forBroker(parseEventsConfig(process.env).brokerUrl)] };
  }
}
