import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConsumerModule } from './consumer.module';

/** A separate Nest service beside the profile service: `node dist/examples/consumer-service/main.js`. */
async function bootstrap(): Promise<void> {
  const env = process.env;
  const profileUrl = env.PROFILE_URL ?? 'http://localhost:3000';
  const app = await NestFactory.create<NestFastifyApplication>(
    ConsumerModule.forRoot({
      profileUrl,
      issuer: env.PROFILE_ISSUER ?? profileUrl,
      audience: env.PROFILE_AUDIENCE ?? 'profile-service',
      brokerUrl: env.BROKER_URL ?? 'nats://127.0.0.1:4222',
      durable: env.CONSUMER_DURABLE ?? 'consumer-service',
      database: env.CONSUMER_DATABASE ?? 'consumer.sqlite',
      webhookSecrets: env.PROFILE_WEBHOOK_SECRETS?.split(',').map((secret) => secret.trim()),
    }),
    new FastifyAdapter(),
    // The webhook guard verifies the signature over the bytes as they arrived.
    { rawBody: true },
  );
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen({ port: Number(env.PORT ?? 3100), host: '0.0.0.0' });
  console.log(`Consumer service on http://localhost:${env.PORT ?? 3100}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
