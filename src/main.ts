import { setFlagsFromString } from 'node:v8';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

// Before anything allocates: with passport's per-request objects on the path, V8 pretenures request-bound
// objects (their allocation sites look long-lived), and every scavenge then copies into the old generation:
// GET /me's p99 went to 3× its p50 and CPU per request up 6 %. Without pretenuring both are back below the
// pre-passport figures (BENCHMARKS.md, "Passport and pretenuring").
setFlagsFromString('--no-allocation-site-pretenuring');

/** A failure a person can act on, in one line: a bad setting names its variable, a taken port says so. */
function oneLine(error: unknown, port: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') return `PORT ${port} is already in use`;
  if (code === 'EACCES') return `PORT ${port} needs more privileges than this user has`;
  return error instanceof Error ? error.message : String(error);
}

async function bootstrap(): Promise<void> {
  // Loaded here, not imported at the top: reading the settings can fail, and that must be one line too.
  const { parseAppConfig } = await import('./config/app.config.js');
  const config = parseAppConfig(process.env);
  const { createApp } = await import('./app.setup.js');
  const app: NestFastifyApplication = await createApp(process.env);
  // Not awaited: with BROKER_URL set, this settles only once the broker is reachable, and the HTTP service
  // must answer meanwhile (the outbox keeps the events; /api/health reports the broker as down).
  app.startAllMicroservices().catch((error: unknown) => console.error(`broker: ${error instanceof Error ? error.message : String(error)}`));
  try {
    await app.listen({ port: config.port, host: '0.0.0.0' });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  app.getHttpAdapter().getInstance().log.info(`Profile service on ${config.publicUrl}, docs at ${config.publicUrl}/api/docs`);
}

bootstrap().catch((error: unknown) => {
  console.error(oneLine(error, process.env.PORT ?? '3000'));
  process.exit(1);
});
