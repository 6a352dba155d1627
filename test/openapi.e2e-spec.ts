import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateOpenApiJson } from '../scripts/openapi-json';

describe('openapi.json', () => {
  it('is what the code generates (after an API change: npm run openapi, and review the diff)', async () => {
    const expected = readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8').split('\n');
    const actual = (await generateOpenApiJson({ LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(join(tmpdir(), 'profile-openapi-')) })).split('\n');
    const line = actual.findIndex((text, i) => text !== expected[i]);
    const firstDifference = line < 0 && actual.length === expected.length ? null : { line: line + 1, generated: actual[line], checkedIn: expected[line] };
    assert.deepEqual(firstDifference, null, 'openapi.json is stale: run `npm run openapi`');
  });

  it('names every operation by its handler, once (generated clients keep their method names when code moves)', () => {
    const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const ids = Object.values(document.paths).flatMap((operations) => Object.values(operations).map((operation) => operation.operationId));
    assert.deepEqual(
      ids.filter((id, index) => ids.indexOf(id) !== index),
      [],
    );
    assert.ok(
      ids.every((id) => /^[a-z][A-Za-z]+$/.test(id)),
      ids.join(' '),
    );
  });

  it('says a step-up route needs an access token and a step-up token, and a public route needs nothing', () => {
    const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>>;
    };
    const password = document.paths['/api/auth/users/me/password'].put.security;
    assert.deepEqual(password, [
      { bearer: [], 'step-up': [] },
      { 'access-cookie': [], 'step-up': [] },
    ]);
    assert.deepEqual(document.paths['/api/auth/login'].post.security, []);
    assert.deepEqual(document.paths['/api/auth/users/me'].get.security, [{ bearer: [] }, { 'access-cookie': [] }]);
  });
});
