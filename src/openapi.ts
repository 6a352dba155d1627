import { createApp } from './app.setup';
import { buildOpenApiDocument } from './swagger';

/** The OpenAPI document as checked in (openapi.json): stable key order, trailing newline. */
export async function generateOpenApiJson(): Promise<string> {
  const app = await createApp();
  try {
    await app.init();
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
