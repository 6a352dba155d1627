import { type DynamicModule, Module } from '@nestjs/common';
import type { Env } from './config/env-reader';
import { HealthModule } from './health/health.module';
import { ProfileModule } from './profile/profile.module';

/** The service: the profile feature configured from the environment, plus operations routes. */
@Module({})
export class AppModule {
  /** `settings`: a map with the environment variables' names (main.ts passes the environment, tests their own). */
  static register(settings: Env): DynamicModule {
    return { module: AppModule, imports: [ProfileModule.forRoot({ settings }), HealthModule] };
  }
}
