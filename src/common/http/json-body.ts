import { AppError } from '../errors/app-error';

/** Deeper than any request body of the contract; deeper input is refused before validation walks it. */
export const JSON_MAX_DEPTH = 32;

/** Keys that would reach an object's prototype machinery when copied or transformed. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const utf8 = new TextDecoder('utf-8', { fatal: true });

const malformed = () => new AppError('MALFORMED_JSON', 'The request body is not valid JSON.');
const invalid = (field: string, message: string) => new AppError('VALIDATION_FAILED', 'The request is not valid.', { fields: { [field]: [message] } });

/**
 * The only JSON body parser of the service. Strict where Fastify's default is lenient: the bytes must be
 * UTF-8, the body must be an object (`null`, arrays and bare values are not "no body"), nesting is bounded
 * (class-transformer recurses and would overflow the stack) and prototype keys are refused as the unknown
 * fields they are. An empty body is no body, as if no Content-Type had been sent.
 */
export function parseJsonBody(raw: Buffer): Record<string, unknown> | undefined {
  if (raw.length === 0) return undefined;
  let text: string;
  let value: unknown;
  try {
    text = utf8.decode(raw);
    value = JSON.parse(text);
  } catch {
    throw malformed();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('body', 'the request body must be a JSON object');
  }
  checkShape(value, '', 1);
  return value as Record<string, unknown>;
}

function checkShape(value: object, path: string, depth: number): void {
  if (depth > JSON_MAX_DEPTH) throw invalid('body', `nested more than ${JSON_MAX_DEPTH} levels deep`);
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((item: unknown, index) => [String(index), item]) : Object.entries(value);
  for (const [key, child] of entries) {
    const childPath = path ? `${path}.${key}` : key;
    if (!Array.isArray(value) && FORBIDDEN_KEYS.has(key)) throw invalid(childPath, `property ${key} should not exist`);
    if (child !== null && typeof child === 'object') checkShape(child, childPath, depth + 1);
  }
}

/** `charset` may be absent or UTF-8: JSON has no other encoding (RFC 8259). */
export function isUtf8JsonType(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}
