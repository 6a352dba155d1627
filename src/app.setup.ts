import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { AppModule } from './app.module';
import { PinoNestLogger, createLogger, lazyRequestLoggers } from './common/logging/logger';
import { requestIdFor } from './common/http/request-id';
import { sendError } from './common/http/send-error';
import { isUtf8JsonType, parseJsonBody } from './common/http/json-body';
import { refuseCrossSiteCookieRequests } from './common/http/cross-site';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter';
import { AppError } from './common/errors/app-error';
import { acceptsMultipart } from './avatar/avatar-upload';
import { type AppConfig, parseAppConfig } from './config/app.config';
import type { Env } from './config/env-reader';
import { type EventsConfig, parseEventsConfig } from './config/events.config';
import { natsConnectionOptions } from './events/nats-options';
import { setupSwagger } from './openapi/swagger-ui';
import { defaultLanguage } from './i18n/translations';

export const JSON_BODY_LIMIT = 100 * 1024;

/** Routes outside the /api prefix. */
const UNPREFIXED = [
  { path: '.well-known/jwks.json', method: RequestMethod.GET },
  { path: 'verify-email', method: RequestMethod.GET },
  { path: 'revert-email', method: RequestMethod.GET },
  { path: 'reset-password', method: RequestMethod.GET },
  { path: 'lock-account', method: RequestMethod.GET },
  { path: 'unlock-account', method: RequestMethod.GET },
  { path: 'cancel-deletion', method: RequestMethod.GET },
];

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

function createAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    loggerInstance: createLogger(config.logLevel, config.logFormat),
    bodyLimit: JSON_BODY_LIMIT,
    // A hop count is given to Fastify as the function it would build from it.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    requestIdHeader: false,
    genReqId: requestIdFor,
    childLoggerFactory: lazyRequestLoggers as never,
    // No Nest middleware here (the service's cross-cutting work is Fastify hooks): without middie, no request pays
    // for a pass over an empty middleware list (profiled: 1.3 % of GET /me's CPU).
    skipMiddie: true,
    // Errors Fastify's router raises before any route runs get the contract's shape too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => sendError(error, request, reply),
    // One line per request only when debugging: at info level, logs are events, not traffic.
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
  });
}

/**
 * What the profile routes need from Fastify: cookies (token transport), multipart bodies (avatar upload) and
 * the X-Request-Id header. A host application importing ProfileModule.forRoot() calls this too.
 */
export async function configureProfileHttp(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // Callback-style hooks: an async hook costs every request a promise and a microtask turn.
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  await app.register(fastifyCookie);
  // Left unread for the route that streams it itself (readAvatarUpload, with its limits); elsewhere bodies are
  // JSON, and a multipart body would otherwise reach the handler as no body at all.
  fastify.addContentTypeParser('multipart/form-data', (request: FastifyRequest, _body: unknown, done: (error: AppError | null) => void) =>
    done(acceptsMultipart(request) ? null : new AppError('UNSUPPORTED_MEDIA_TYPE', 'This route takes a JSON body (application/json).')),
  );
}

/**
 * On shutdown Fastify lets requests in flight finish, but their keep-alive connections would then hold the
 * process for the keep-alive timeout (72 s): answers sent while stopping ask the client to close instead.
 */
function closeConnectionsWhenStopping(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  let stopping = false;
  fastify.addHook('preClose', (done: () => void) => {
    stopping = true;
    done();
  });
  fastify.addHook('onSend', (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    if (stopping) void reply.header('connection', 'close');
    done(null, payload);
  });
}

/**
 * Bodies are JSON, parsed strictly (parseJsonBody), or the avatar's multipart. Fastify's own text/plain parser
 * and Nest's form parser are not installed: a form or a text body is what a cross-site HTML form can send
 * without a preflight, and answers 415 before any handler.
 */
function acceptJsonBodiesOnly(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: JSON_BODY_LIMIT },
    (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void) => {
      if (!isUtf8JsonType(request.headers['content-type'])) return done(new AppError('UNSUPPORTED_MEDIA_TYPE', 'JSON bodies are UTF-8.'));
      try {
        done(null, parseJsonBody(body));
      } catch (error) {
        done(error as Error);
      }
    },
  );
}

/** Everything about the HTTP surface that is not a route: shared by main.ts and the tests. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  // The routes carry their own filter (ServiceContract); this one gives the contract's shape to what happens
  // before a route: an unknown path, a refused body.
  app.useGlobalFilters(new AllExceptionsFilter());
  acceptJsonBodiesOnly(app);
  await configureProfileHttp(app);
  // Nest's own security headers (helmet 8 defaults) are computed once; @fastify/helmet rebuilt helmet and
  // re-parsed the CSP on every request (profiled: about 4% of GET /me).
  app.useSecurityHeaders({
    xFrameOptions: { action: 'deny' },
    contentSecurityPolicy: {
      directives: {
        defaultSrc: "'self'",
        scriptSrc: "'self'",
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: "'none'",
        upgradeInsecureRequests: null,
      },
    },
  });
  // Registered here rather than with app.enableCors(), whose hook runs before every other one: a preflight
  // answer would lack the request id and the security headers every response carries.
  if (config.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: config.corsOrigins,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Step-Up-Token', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
      maxAge: 600,
    });
  }
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', refuseCrossSiteCookieRequests([new URL(config.publicUrl).origin, ...config.corsOrigins]));
  app.setGlobalPrefix('api', { exclude: UNPREFIXED });
  setupSwagger(app, config.publicUrl);
  // Only the signals that mean "stop": by default Nest would also close the app on SIGUSR2 and friends.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  closeConnectionsWhenStopping(app);
}

/**
 * DATA_DIR holds password hashes, personal data, signing keys and mail with live links: only the service's user
 * may read it. Everything the process creates is 0600/0700 (umask), and an existing directory or SQLite file
 * from an earlier, looser version is tightened.
 */
function keepDataPrivate(dataDir: string): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  for (const name of readdirSync(dataDir)) if (name.startsWith('profile.sqlite')) chmodSync(join(dataDir, name), 0o600);
}

/** Builds the application on these settings (main.ts passes the environment); the caller listens or injects. */
export async function createApp(settings: Env): Promise<NestFastifyApplication> {
  const config = parseAppConfig(settings);
  defaultLanguage(config.defaultLocale);
  keepDataPrivate(config.dataDir);
  const adapter = createAdapter(config);
  const logger = new PinoNestLogger(adapter.getInstance().log as never);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(settings), adapter, { logger, bodyParser: false, abortOnError: false });
  await configureApp(app, config);
  await connectBroker(app, parseEventsConfig(settings));
  return app;
}

/** With BROKER_URL, the app also answers profile.get and auth.verify on the broker (a hybrid application). */
async function connectBroker(app: NestFastifyApplication, config: EventsConfig): Promise<void> {
  if (!config.brokerUrl) return;
  const { credsAuthenticator } = await import('@nats-io/transport-node');
  app.connectMicroservice<MicroserviceOptions>(
    // A broker that is away at boot or later never stops the service: the client keeps trying in the background.
    {
      transport: Transport.NATS,
      options: {
        ...natsConnectionOptions(config, credsAuthenticator),
        queue: 'profile-service',
        waitOnFirstConnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
      },
    },
    { inheritAppConfig: true },
  );
}
