import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument } from './document';

/**
 * Swagger UI at /api/docs (the document at /api/docs-json). Its requests omit cookies: login through the UI
 * would otherwise set the session cookies and calls would work before Authorize is pressed, so a user could
 * not tell which credential was used. What is authorized is what is sent.
 */
export function setupSwagger(app: NestFastifyApplication, serverUrl: string): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app, { serverUrl }), {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: {
      persistAuthorization: false,
      // Serialised into the page as source: it must not refer to anything outside itself.
      requestInterceptor: (request: { credentials?: string }) => {
        request.credentials = 'omit';
        return request;
      },
    },
  });
}
