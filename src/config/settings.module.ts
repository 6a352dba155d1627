import { type DynamicModule, Global, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { appConfig } from './app.config';
import { authConfig } from './auth.config';
import { avatarConfig } from './avatar.config';
import { databaseConfig } from './database.config';
import { deletionConfig } from './deletion.config';
import type { Env } from './env-reader';
import type { SettingsToken } from './settings-token';
import { eventsConfig } from './events.config';
import { factorsConfig } from './factors.config';
import { mailConfig } from './mail.config';
import { oidcConfig } from './oidc.config';
import { passwordConfig } from './password.config';
import { retentionConfig } from './retention.config';
import { webhooksConfig } from './webhooks.config';

/** Where the settings come from: the environment of this service, or what a host application passes. */
export const PROFILE_SETTINGS = Symbol('PROFILE_SETTINGS');

const NAMESPACES: Array<SettingsToken<unknown>> = [
  appConfig,
  authConfig,
  avatarConfig,
  databaseConfig,
  deletionConfig,
  eventsConfig,
  factorsConfig,
  mailConfig,
  oidcConfig,
  passwordConfig,
  retentionConfig,
  webhooksConfig,
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
    const namespaces: Provider[] = NAMESPACES.map((token) => ({ provide: token.KEY, inject: [PROFILE_SETTINGS], useFactory: (env: Env) => token.parse(env) }));
    return { module: SettingsModule, imports, providers: [settingsProvider, ...namespaces], exports: NAMESPACES.map((token) => token.KEY) };
  }
}
