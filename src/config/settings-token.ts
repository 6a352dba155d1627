import type { Env } from './env-reader';

/**
 * The injection token of one parsed settings namespace (`@Inject(authConfig.KEY)`), with the parser that
 * builds its value from a map of environment-variable names. A symbol, so a host's own config keys never
 * collide with ours.
 */
export interface SettingsToken<T> {
  readonly KEY: symbol;
  readonly parse: (env: Env) => T;
}

/** The value behind a token: `Settings<typeof authConfig>`. */
export type Settings<Token> = Token extends SettingsToken<infer T> ? T : never;

export function settingsToken<T>(name: string, parse: (env: Env) => T): SettingsToken<T> {
  return { KEY: Symbol(`profile settings: ${name}`), parse };
}
