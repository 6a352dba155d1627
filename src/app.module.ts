import { type DynamicModule, Module } from '@nestjs/common';
import type { Env } from './config/env-reader';
import { HealthModule } from './health/health.module';
import { ProfileServiceModule } from './profile-service.module';

/** The service: the profile service configured from the given settings, plus the operations routes. */
@Module({})
export class AppModule {
  /** `settings`: a map with the environment variables' names (main.ts passes the environment, tests their own). */
  static register(settings: Env): DynamicModule {
    return { module: AppModule, imports: [ProfileServiceModule.forRoot({ settings }), HealthModule] };
  }
}
