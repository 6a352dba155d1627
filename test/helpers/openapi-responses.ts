import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type Schema = Record<string, unknown>;
interface MediaType {
  schema?: Schema;
}
interface Operation {
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** The checked-in document, the one clients are generated from (dist/test/helpers → the repository root). */
const DOCUMENT_PATH = join(__dirname, '..', '..', '..', 'openapi.json');

/**
 * Component schemas as the tests read them: an object schema lists every property the service may send, so
 * an undocumented field fails (the document itself stays open to additions where it says nothing).
 */
function closedSchemas(schemas: Record<string, Schema>): Record<string, Schema> {
  const closed: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    closed[name] = schema.properties && schema.additionalProperties === undefined ? { ...schema, additionalProperties: false } : schema;
  }
  return closed;
}

/** Compiles each documented response body once, on first use. */
class ResponseSchemas {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: Document) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: { schemas: closedSchemas(document.components.schemas) } });
  }

  validator(key: string, schema: Schema): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as Schema;
      validate = this.ajv.compile(rebased);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

let shared: ResponseSchemas | undefined;

/** `/api/x/:id` (Fastify's route) as the document writes it, `/api/x/{id}`. */
function documentPath(route: string): string {
  return route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Checks every answer of a test app against openapi.json: the route and method are documented, the status is
 * one of the operation's, the content type is the documented one and a JSON body matches its schema.
 * Answers to requests no route matched (404 from the router) are not operations and are not checked.
 */
export class OpenApiResponseCheck {
  readonly violations: string[] = [];
  private readonly schemas = (shared ??= new ResponseSchemas(JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as Document));

  install(fastify: FastifyInstance): void {
    fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
      try {
        this.check(request, reply, payload);
      } catch (error) {
        this.violations.push(`${request.method} ${request.url}: the check itself failed: ${(error as Error).message}`);
      }
      done(null, payload);
    });
  }

  private check(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const route = request.routeOptions.url;
    if (route === undefined || request.method === 'OPTIONS' || request.method === 'HEAD') return;
    const path = documentPath(route);
    const at = `${request.method} ${path} → ${reply.statusCode}`;
    const operation = this.schemas.document.paths[path]?.[request.method.toLowerCase()];
    if (!operation) {
      // A route Fastify has but the document leaves out (the Swagger UI itself).
      if (!path.startsWith('/api/docs')) this.violations.push(`${at}: the operation is not in the document`);
      return;
    }
    const response = operation.responses[String(reply.statusCode)];
    if (!response) return void this.violations.push(`${at}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
    const sent = mediaType(reply.getHeader('content-type') as string | undefined);
    const documented = Object.keys(response.content ?? {});
    if (documented.length === 0) {
      if (payload !== undefined && payload !== null && payload !== '' && reply.statusCode !== 302)
        this.violations.push(`${at}: a body was sent where the document has none`);
      return;
    }
    if (!documented.includes(sent)) return void this.violations.push(`${at}: content type "${sent}" not documented (documented: ${documented.join(', ')})`);
    const schema = response.content?.[sent]?.schema;
    if (!schema || sent !== 'application/json' || typeof payload !== 'string') return;
    const validate = this.schemas.validator(`${request.method} ${path} ${reply.statusCode}`, schema);
    if (!validate(JSON.parse(payload))) {
      const errors = (validate.errors ?? []).slice(0, 3).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
      this.violations.push(`${at}: body does not match the document (${errors.join('; ')}): ${payload.slice(0, 200)}`);
    }
  }
}
