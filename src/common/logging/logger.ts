import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Paths that may carry secrets. Pino replaces them with "[redacted]" so no password, token or cookie
 * reaches a log line even when a request or error object is logged whole.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-step-up-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.stepUpToken',
  '*.token',
];

export function createLogger(level: string, format: 'pretty' | 'json' = 'json'): Logger {
  // Pretty lines are formatted in the process, synchronously: a worker-thread transport would lose the last
  // lines of a start that fails, which are the ones a person at the terminal needs.
  const destination =
    format === 'pretty'
      ? pretty({
          sync: true,
          colorize: process.stdout.isTTY === true,
          ignore: 'pid,hostname,context',
          messageFormat: '{if context}{context}: {end}{msg}',
          translateTime: 'HH:MM:ss.l',
        })
      : undefined;
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // Query strings can hold single-use link tokens (/verify-email?token=…): log the path only.
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's start-up chatter (every module and route, ~60 lines): debugging detail, not events. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'NestMicroservice']);

/** Where Nest reports a start that failed: the module that could not be built, the connection that could not open. */
const BOOT_FAILURE_CONTEXTS = new Set(['ExceptionHandler', 'TypeOrmModule']);

/** Routes Nest's own log calls into the same structured pino stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    if (context !== undefined && STARTUP_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    // A start that fails is reported by its caller in one line (main.ts); Nest's own report of it, with a stack
    // trace, is detail for debugging.
    if (context !== undefined && BOOT_FAILURE_CONTEXTS.has(context)) this.logger.debug({ context, trace }, String(message));
    else this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

type LogMethod = (...args: unknown[]) => void;
type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * A request's logger (`request.log`) whose pino child, with the request id bound, is made on its first log line.
 * Fastify's default makes that child for every request, and pino serialises and redacts its bindings at once
 * (profiled: 1.2 % of GET /me's CPU), for a logger that, at the default level, almost never writes.
 */
export class LazyRequestLogger {
  private made?: Logger;
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  fatal: LogMethod;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Record<string, unknown>,
    private readonly options: Record<string, unknown>,
  ) {
    const write = (level: Level): LogMethod =>
      function (this: LazyRequestLogger, ...args: unknown[]): void {
        // A level that is off costs nothing, as with pino itself.
        if (!this.parent.isLevelEnabled(level)) return;
        this.real()[level](...(args as [string]));
      };
    this.trace = write('trace');
    this.debug = write('debug');
    this.info = write('info');
    this.warn = write('warn');
    this.error = write('error');
    this.fatal = write('fatal');
  }

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  silent(): void {}

  child(bindings: Record<string, unknown>, options?: Record<string, unknown>): Logger {
    return this.real().child(bindings, options);
  }

  isLevelEnabled(level: string): boolean {
    return this.parent.isLevelEnabled(level);
  }

  private real(): Logger {
    this.made ??= this.parent.child(this.bindings, this.options);
    return this.made;
  }
}

/** Fastify's `childLoggerFactory`: request loggers made lazily (LazyRequestLogger). */
export function lazyRequestLoggers(logger: Logger, bindings: Record<string, unknown>, options: Record<string, unknown>): Logger {
  return new LazyRequestLogger(logger, bindings, options) as unknown as Logger;
}
