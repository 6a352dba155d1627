import { settingsToken } from './settings-token';
import { parseAppConfig } from './app.config';
import { ConfigError, type Env, EnvReader, type RateLimit } from './env-reader';

export interface S3Config {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Object keys start with this (no leading slash). */
  prefix: string;
}

export interface AvatarConfig {
  maxBytes: number;
  maxPixels: number;
  /** Square rendition sizes in px, ascending; the largest is the profile's `avatar.url`. */
  sizes: number[];
  concurrency: number;
  /** Uploads admitted at once (decoding or waiting for a decoding slot, body included); past it: 503. */
  maxInFlight: number;
  /** Uploads per account. */
  rateLimit: RateLimit;
  storage: 'local' | 's3';
  localDir: string;
  /** Where uploads are written while they stream in (always on local disk, whatever the storage). */
  spoolDir: string;
  s3?: S3Config;
  /** Where avatar URLs point: the service's own route by default, or a CDN / the bucket (S3 mode). */
  publicBaseUrl: string;
}

function parseSizes(reader: EnvReader): number[] {
  const sizes = reader.list('AVATAR_SIZES', ['64', '256', '512']).map(Number);
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 16 || size > 2048)) {
    throw new ConfigError('AVATAR_SIZES', 'must be a comma list of pixel sizes between 16 and 2048');
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}

export function parseAvatarConfig(env: Env): AvatarConfig {
  const reader = new EnvReader(env);
  const app = parseAppConfig(env);
  const storage = reader.oneOf('AVATAR_STORAGE', ['local', 's3'] as const, 'local');
  const s3: S3Config | undefined =
    storage === 's3'
      ? {
          endpoint: reader.url('S3_ENDPOINT'),
          region: reader.string('S3_REGION', 'us-east-1'),
          bucket: reader.raw('S3_BUCKET') ?? failMissing('S3_BUCKET'),
          accessKeyId: reader.optionalString('S3_ACCESS_KEY_ID'),
          secretAccessKey: reader.optionalString('S3_SECRET_ACCESS_KEY'),
          forcePathStyle: reader.bool('S3_FORCE_PATH_STYLE', false),
          prefix: reader.string('S3_PREFIX', 'avatars/'),
        }
      : undefined;
  const concurrency = reader.int('AVATAR_CONCURRENCY', 2, { min: 1, max: 64 });
  return {
    maxBytes: reader.int('AVATAR_MAX_BYTES', 5 * 1024 * 1024, { min: 1024, max: 100 * 1024 * 1024 }),
    maxPixels: reader.int('AVATAR_MAX_PIXELS', 40_000_000, { min: 1, max: 268_402_689 }),
    sizes: parseSizes(reader),
    concurrency,
    maxInFlight: reader.int('AVATAR_MAX_IN_FLIGHT', concurrency * 4, { min: concurrency, max: 1024 }),
    rateLimit: reader.rateLimit('AVATAR_RATE_LIMIT', '20/1h'),
    storage,
    localDir: `${app.dataDir}/avatars`,
    spoolDir: `${app.dataDir}/uploads`,
    s3,
    publicBaseUrl: reader.url('AVATAR_PUBLIC_BASE_URL', `${app.publicUrl}/api/avatars`) as string,
  };
}

function failMissing(name: string): never {
  throw new ConfigError(name, 'is required when AVATAR_STORAGE=s3');
}

export const avatarConfig = settingsToken<AvatarConfig>('avatar', parseAvatarConfig);
