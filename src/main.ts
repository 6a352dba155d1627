import { createApp } from './app.setup';
import { parseAppConfig } from './config/app.config';

async function bootstrap(): Promise<void> {
  const config = parseAppConfig(process.env);
  const app = await createApp();
  await app.startAllMicroservices();
  await app.listen({ port: config.port, host: '0.0.0.0' });
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
