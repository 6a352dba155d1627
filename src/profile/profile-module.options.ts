import type { ModuleMetadata } from '@nestjs/common';
import type { Env } from '../config/env-reader';

export interface ProfileModuleOptions {
  /** Settings with the names and formats of `.env.example` (DATABASE_URL, DATA_DIR, JWT_ISSUER, …). */
  settings: Env;
}

export interface ProfileModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => ProfileModuleOptions | Promise<ProfileModuleOptions>;
}
