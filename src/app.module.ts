import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule } from './health/health.module';
import { ProfileModule } from './profile/profile.module';

/** The service: the profile feature configured from the environment, plus operations routes. */
@Module({})
export class AppModule {
  /** Reads the environment at call time, so tests can set it first. */
  static register(): DynamicModule {
    return { module: AppModule, imports: [ProfileModule.forRoot({ settings: process.env }), HealthModule] };
  }
}
