import { createApp } from './app.setup';
import { parseAppConfig } from './config/app.config';

async function bootstrap(): Promise<void> {
  const config = parseAppConfig(process.env);
  const app = await createApp();
  // Not awaited: with BROKER_URL set, this settles only once the broker is reachable, and the HTTP service
  // must answer meanwhile (the outbox keeps the events; /api/health reports the broker as down).
  app.startAllMicroservices().catch((error: unknown) => console.error(`broker: ${error instanceof Error ? error.message : String(error)}`));
  await app.listen({ port: config.port, host: '0.0.0.0' });
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
