import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ACCESS_COOKIE_SECURITY, BEARER_SECURITY } from '#src/auth/guards/authenticated.decorator';
import { REFRESH_COOKIE_SECURITY } from '#src/auth/guards/optional-credentials.decorator';
import { STEP_UP_SECURITY } from '#src/auth/guards/requires-step-up.decorator';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '#src/auth/tokens/token-transport';
import { ErrorBodyDto } from '#src/common/errors/error-body.dto';
import { exactDocument } from './exact-document';

const DESCRIPTION = `Self-service account API: profile, email, password, avatar, sessions, linked providers and account
activity, with step-up re-authentication for sensitive operations.

* **Try it here:** \`POST /api/auth/login\`, copy \`accessToken\` from the answer, press **Authorize** and paste it
  under *bearer*. For a step-up route, \`POST /api/auth/step-up\` with your password and paste \`stepUpToken\` under
  *step-up* too: the lock of a step-up route closes only when both are set.
* This page sends no cookies: what you authorize is what is sent, so a call that works here works the same from
  a client. (A browser front end on the service's own origin may use the \`access_token\`, \`refresh_token\` and
  \`step_up_token\` cookies instead; they are HttpOnly, so no page can read or set them, and this page does not
  use them.)
* Every error has the shape \`{ statusCode, code, message, details?, requestId }\`; \`requestId\` equals the
  \`X-Request-Id\` header. Each response below lists its codes, with an example of each.
* Other services verify access tokens with the public keys at \`GET /.well-known/jwks.json\`.`;

/** Tags in the order a user meets them, each with its line. */
const TAGS: Array<[string, string]> = [
  ['auth', 'Create an account, sign in, refresh, sign out, and step up before a sensitive change.'],
  ['profile', 'Read and change my profile, take my data with me, delete my account.'],
  ['email', 'Change my address: a link to the new one confirms it, a link to the old one undoes it.'],
  ['password', 'Change my password, or reset a forgotten one by mail.'],
  ['avatar', 'Upload and remove my avatar; anyone may fetch its renditions.'],
  ['sessions', 'The devices signed in to my account, and signing them out.'],
  ['factors', 'Two-step sign-in: an authenticator app, and recovery codes for when it is lost.'],
  ['providers', 'Sign in with OpenID Connect providers, and link or unlink them.'],
  ['activity', 'What happened to my account: sign-ins, changes, refusals.'],
  ['operations', 'For operators: health of the service and its dependencies.'],
  ['keys', 'For other services: the public keys that verify access tokens.'],
  ['pages', 'The pages the mailed links open; each posts its token to the API.'],
];

export interface DocumentOptions {
  /** Where the service answers (PUBLIC_URL); the document's one server. */
  serverUrl: string;
}

export function buildOpenApiDocument(app: NestFastifyApplication, options: DocumentOptions): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Profile service')
    .setDescription(DESCRIPTION)
    .setVersion('1.0')
    .addServer(options.serverUrl, 'This service')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token (typ at+jwt), from login or refresh' }, BEARER_SECURITY)
    .addCookieAuth(
      ACCESS_COOKIE,
      { type: 'apiKey', in: 'cookie', name: ACCESS_COOKIE, description: 'The access token cookie (HttpOnly: set by login, sent by browsers on this origin)' },
      ACCESS_COOKIE_SECURITY,
    )
    .addCookieAuth(
      REFRESH_COOKIE,
      { type: 'apiKey', in: 'cookie', name: REFRESH_COOKIE, description: 'The refresh token cookie (HttpOnly, set by login and refresh)' },
      REFRESH_COOKIE_SECURITY,
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Step-Up-Token', description: 'Step-up token (typ step-up+jwt), from POST /api/auth/step-up' },
      STEP_UP_SECURITY,
    );
  for (const [name, description] of TAGS) builder.addTag(name, description);
  // The error body is referenced by the responses exactDocument() builds, not by any decorator.
  return exactDocument(
    SwaggerModule.createDocument(app, builder.build(), {
      extraModels: [ErrorBodyDto],
      // The handler's name alone (unique across the service): generated clients keep their method names when code moves between classes.
      operationIdFactory: (_controller: string, method: string) => method,
    }),
  );
}
