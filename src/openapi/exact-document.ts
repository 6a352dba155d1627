import type { OpenAPIObject } from '@nestjs/swagger';
import { ACCESS_COOKIE_SECURITY, BEARER_SECURITY } from '#src/auth/guards/authenticated.decorator';
import { OPTIONAL_CREDENTIALS_EXTENSION } from '#src/auth/guards/optional-credentials.decorator';
import { STEP_UP_SECURITY } from '#src/auth/guards/requires-step-up.decorator';
import { ERROR_CODES_EXTENSION } from '#src/common/errors/api-errors.decorator';
import type { ErrorCode } from '#src/common/errors/error-codes';
import { errorResponses, operationErrorCodes } from './error-responses';

type Json = Record<string, unknown>;
type Operation = Json & { security?: Array<Record<string, string[]>>; responses: Json; tags?: string[]; requestBody?: Json };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * What Nest's generator leaves loose, made exact, so that a generated client and a validator read the service
 * as it behaves:
 * - security: OpenAPI reads a list as "any one of these": a step-up route needs an access token **and** a
 *   step-up token; a public route says so with an empty list; optional credentials list `{}` first;
 * - every error response, from the route's own codes and the layers its requests pass (error-responses.ts);
 * - request bodies refuse unknown fields (`additionalProperties: false`), as the validation pipe does;
 * - OpenAPI 3.1 nullability (`type: [T, "null"]`), where 3.0's `nullable` cannot say "null or this object";
 * - one tag per operation: the method's own where it has one, else its controller's.
 */
export function exactDocument(document: OpenAPIObject): OpenAPIObject {
  const requestSchemas = new Set<string>();
  for (const path of Object.values(document.paths) as Array<Record<string, Operation | undefined>>) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation) continue;
      exactSecurity(operation);
      exactErrors(method, operation);
      if (operation.tags && operation.tags.length > 1) operation.tags = [operation.tags[operation.tags.length - 1]];
      const body = (operation.requestBody?.content as Record<string, { schema?: Json }> | undefined)?.['application/json']?.schema;
      if (typeof body?.$ref === 'string') requestSchemas.add(body.$ref.split('/').pop() as string);
    }
  }
  const schemas = (document.components?.schemas ?? {}) as Record<string, Json>;
  for (const name of requestSchemas) schemas[name].additionalProperties = false;
  document.openapi = '3.1.0';
  return toNullable31(document) as OpenAPIObject;
}

function exactSecurity(operation: Operation): void {
  const optional = operation[OPTIONAL_CREDENTIALS_EXTENSION] as string[] | undefined;
  delete operation[OPTIONAL_CREDENTIALS_EXTENSION];
  const schemes = new Set((operation.security ?? []).flatMap((requirement) => Object.keys(requirement)));
  if (optional) operation.security = [{}, ...optional.map((scheme) => ({ [scheme]: [] }))];
  else if (schemes.size === 0) operation.security = [];
  else if (schemes.has(STEP_UP_SECURITY)) {
    operation.security = [
      { [BEARER_SECURITY]: [], [STEP_UP_SECURITY]: [] },
      { [ACCESS_COOKIE_SECURITY]: [], [STEP_UP_SECURITY]: [] },
    ];
  }
}

function exactErrors(method: string, operation: Operation): void {
  const ownCodes = (operation[ERROR_CODES_EXTENSION] as ErrorCode[] | undefined) ?? [];
  delete operation[ERROR_CODES_EXTENSION];
  const required = (operation.security ?? []).filter((requirement) => Object.keys(requirement).length > 0);
  const authenticated = required.length > 0 && (operation.security ?? []).every((requirement) => Object.keys(requirement).length > 0);
  const stepUp = required.some((requirement) => STEP_UP_SECURITY in requirement);
  const codes = operationErrorCodes({ method, ownCodes, authenticated, stepUp });
  for (const status of Object.keys(operation.responses)) if (Number(status) >= 400) delete operation.responses[status];
  Object.assign(operation.responses, errorResponses(codes));
}

/** OpenAPI 3.0's `nullable: true` in 3.1's words, everywhere in the document. */
function toNullable31(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toNullable31);
  if (node === null || typeof node !== 'object') return node;
  const schema: Json = {};
  for (const [key, value] of Object.entries(node)) schema[key] = toNullable31(value);
  if (schema.nullable !== true) return schema;
  delete schema.nullable;
  const refs = schema.allOf as Json[] | undefined;
  if (refs?.length === 1 && typeof refs[0].$ref === 'string') {
    delete schema.allOf;
    delete schema.type;
    return { ...schema, anyOf: [refs[0], { type: 'null' }] };
  }
  if (typeof schema.type === 'string') {
    schema.type = [schema.type, 'null'];
    if (Array.isArray(schema.enum)) schema.enum = [...(schema.enum as unknown[]), null];
  }
  return schema;
}
