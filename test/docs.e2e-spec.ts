import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ERROR_STATUS } from '../src/common/errors/error-codes';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Document {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; type?: string }> };
}

/** The project's own docs stay true to the code and to themselves. */
describe('the docs', () => {
  const document = JSON.parse(read('openapi.json')) as Document;
  const api = read('docs/api.md');

  it('docs/api.md names every route of the OpenAPI document', () => {
    const missing = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .map((method) => `${method.toUpperCase()} ${path}`)
        .filter((route) => !api.includes(`\`${route}\``)),
    );
    assert.deepEqual(missing, []);
  });

  it('docs/api.md lists every error code with its status', () => {
    const missing = Object.entries(ERROR_STATUS).filter(([code, status]) => !api.includes(`| ${status} | \`${code}\` |`));
    assert.deepEqual(missing, []);
  });

  it('the OpenAPI document has no empty schema (a DTO the Swagger plugin could not see)', () => {
    const empty = Object.entries(document.components.schemas)
      .filter(([, schema]) => schema.type === 'object' && Object.keys(schema.properties ?? {}).length === 0)
      .map(([name]) => name);
    assert.deepEqual(empty, []);
  });

  it('every relative link of the README and docs/ resolves inside the repository, and none leaves it', () => {
    const broken: string[] = [];
    for (const file of ['README.md', 'docs/api.md', 'docs/architecture.md', 'BENCHMARKS.md']) {
      for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:\/\/(localhost|127\.0\.0\.1)[:/]/.test(target)) continue;
        if (/^[a-z]+:/.test(target)) {
          broken.push(`${file}: ${target} leaves the repository`);
          continue;
        }
        const path = resolve(dirname(join(ROOT, file)), target.split('#')[0]);
        if (!path.startsWith(ROOT) || !existsSync(path)) broken.push(`${file}: ${target}`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
