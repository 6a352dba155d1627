import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureProfileHttp } from '../../src/app.setup';
import { HostModule } from './host.module';

/** Builds the host application; `node dist/examples/host-app/main.js` serves it on port 4000. */
export async function createHostApp(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(HostModule, new FastifyAdapter(), { logger: ['error', 'warn'], abortOnError: false });
  await configureProfileHttp(app);
  app.setGlobalPrefix('api');
  return app;
}

if (require.main === module) {
  void createHostApp().then((app) => app.listen({ port: 4000 }));
}
