/** Thrown at boot when an environment variable is missing or malformed; names the variable. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `300`, `300s`, `15m`, `12h`, `30d` into seconds. */
export function parseDurationSeconds(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] ?? 's'];
}

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/**
 * Typed accessors over the raw environment. Every reader either returns a valid value or throws a
 * ConfigError that names the variable, so a bad setting stops the boot with a clear message.
 */
export class EnvReader {
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be an integer, got "${value}"`);
    const parsed = Number(value);
    if (range.min !== undefined && parsed < range.min) throw new ConfigError(name, `must be at least ${range.min}`);
    if (range.max !== undefined && parsed > range.max) throw new ConfigError(name, `must be at most ${range.max}`);
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    throw new ConfigError(name, `must be true or false, got "${value}"`);
  }

  durationSeconds(name: string, fallback: string): number {
    const value = this.raw(name) ?? fallback;
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined || seconds <= 0) {
      throw new ConfigError(name, `must be a positive duration such as 300, 300s, 15m, 12h or 30d, got "${value}"`);
    }
    return seconds;
  }

  /** `<count>/<window>` such as `10/15m`. */
  rateLimit(name: string, fallback: string): RateLimit {
    const value = this.raw(name) ?? fallback;
    const [count, window] = value.split('/');
    const windowSeconds = window === undefined ? undefined : parseDurationSeconds(/^\D/.test(window) ? `1${window}` : window);
    if (!/^\d+$/.test(count ?? '') || Number(count) < 1 || !windowSeconds) {
      throw new ConfigError(name, `must look like 10/15m (count/window), got "${value}"`);
    }
    return { limit: Number(count), windowSeconds };
  }

  list(name: string, fallback: string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }

  url(name: string, fallback?: string): string | undefined {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) return undefined;
    try {
      return new URL(value).toString().replace(/\/$/, '');
    } catch {
      throw new ConfigError(name, `must be an absolute URL, got "${value}"`);
    }
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name) ?? fallback;
    if (!allowed.includes(value as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  }
}
