import type { ModuleMetadata } from '@nestjs/common';
import type { Env } from './config/env-reader';

export interface ProfileServiceOptions {
  /** Settings with the names and formats of `.env.example` (DATABASE_URL, DATA_DIR, JWT_ISSUER, …). */
  settings: Env;
}

export interface ProfileServiceAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => ProfileServiceOptions | Promise<ProfileServiceOptions>;
}
