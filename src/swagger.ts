import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ACCESS_COOKIE_SECURITY, BEARER_SECURITY } from './auth/guards/authenticated.decorator';
import { STEP_UP_SECURITY } from './auth/guards/requires-step-up.decorator';
import { ACCESS_COOKIE } from './auth/tokens/token-transport';

const DESCRIPTION = `Self-service account API: profile, email, password, avatar, sessions, with step-up re-authentication
for sensitive operations.

* Access tokens travel as \`Authorization: Bearer <jwt>\` or the \`access_token\` cookie (the header wins; a
  malformed header is an error, never a fall-back to the cookie). Press **Authorize** and paste the
  \`accessToken\` from \`POST /api/auth/login\`.
* Step-up routes also need \`X-Step-Up-Token\` (from \`POST /api/auth/step-up\`) or the \`step_up_token\` cookie.
* Every error has the shape \`{ statusCode, code, message, details?, requestId }\`.
* Public keys for verifying access tokens: \`GET /.well-known/jwks.json\`.`;

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Profile service')
    .setDescription(DESCRIPTION)
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token (typ at+jwt)' }, BEARER_SECURITY)
    .addCookieAuth(ACCESS_COOKIE, { type: 'apiKey', in: 'cookie', name: ACCESS_COOKIE, description: 'Access token cookie' }, ACCESS_COOKIE_SECURITY)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Step-Up-Token', description: 'Step-up token (typ step-up+jwt)' }, STEP_UP_SECURITY)
    .build();
  return withExactSecurity(SwaggerModule.createDocument(app, config));
}

/**
 * OpenAPI reads a `security` list as "any one of these". Nest's decorators give a step-up route
 * `[{bearer}, {access-cookie}, {step-up}]`, which says a step-up token alone would do: it needs an access token
 * **and** a step-up token. Public operations say so with an empty list instead of saying nothing.
 */
function withExactSecurity(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const operation of [path.get, path.put, path.post, path.delete, path.patch, path.head, path.options]) {
      if (!operation) continue;
      const schemes = new Set((operation.security ?? []).flatMap((requirement) => Object.keys(requirement)));
      if (schemes.size === 0) operation.security = [];
      else if (schemes.has(STEP_UP_SECURITY)) {
        operation.security = [
          { [BEARER_SECURITY]: [], [STEP_UP_SECURITY]: [] },
          { [ACCESS_COOKIE_SECURITY]: [], [STEP_UP_SECURITY]: [] },
        ];
      }
    }
  }
  return document;
}

export function setupSwagger(app: NestFastifyApplication): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: { persistAuthorization: false },
  });
}
