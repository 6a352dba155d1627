import { createApp } from '../src/app.setup';
import type { Env } from '../src/config/env-reader';
import { buildOpenApiDocument } from '../src/openapi/document';

/** The server of the checked-in document: the service as `npm start` runs it on its defaults. */
export const CHECKED_IN_SERVER = 'http://localhost:3000';

/**
 * The OpenAPI document as checked in (openapi.json): stable key order, trailing newline. Generating boots the
 * app on `settings` (pass a DATA_DIR of its own, so its keys and database stay out of the working tree).
 */
export async function generateOpenApiJson(settings: Env): Promise<string> {
  const app = await createApp(settings);
  try {
    await app.init();
    return `${JSON.stringify(buildOpenApiDocument(app, { serverUrl: CHECKED_IN_SERVER }), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
