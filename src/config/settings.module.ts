import { type DynamicModule, Global, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { appConfig, parseAppConfig } from './app.config';
import { authConfig, parseAuthConfig } from './auth.config';
import { avatarConfig, parseAvatarConfig } from './avatar.config';
import { databaseConfig, parseDatabaseConfig } from './database.config';
import type { Env } from './env-reader';
import { eventsConfig, parseEventsConfig } from './events.config';
import { mailConfig, parseMailConfig } from './mail.config';
import { oidcConfig, parseOidcConfig } from './oidc.config';
import { parseRetentionConfig, retentionConfig } from './retention.config';

/** Where the settings come from: the environment of this service, or what a host application passes. */
export const PROFILE_SETTINGS = Symbol('PROFILE_SETTINGS');

const NAMESPACES: Array<[string | symbol, (env: Env) => unknown]> = [
  [appConfig.KEY, parseAppConfig],
  [authConfig.KEY, parseAuthConfig],
  [avatarConfig.KEY, parseAvatarConfig],
  [databaseConfig.KEY, parseDatabaseConfig],
  [eventsConfig.KEY, parseEventsConfig],
  [mailConfig.KEY, parseMailConfig],
  [oidcConfig.KEY, parseOidcConfig],
  [retentionConfig.KEY, parseRetentionConfig],
];

/**
 * The typed, validated settings, one provider per namespace (injected with `@Inject(authConfig.KEY)`),
 * parsed once from a map with the environment variables' names. A bad value stops the boot with a
 * message naming the variable.
 */
@Global()
@Module({})
export class SettingsModule {
  static register(settingsProvider: Provider, imports: ModuleMetadata['imports'] = []): DynamicModule {
    const namespaces: Provider[] = NAMESPACES.map(([token, parse]) => ({ provide: token, inject: [PROFILE_SETTINGS], useFactory: (env: Env) => parse(env) }));
    return { module: SettingsModule, imports, providers: [settingsProvider, ...namespaces], exports: NAMESPACES.map(([token]) => token) };
  }
}
