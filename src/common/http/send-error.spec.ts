import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { sendError } from './send-error';

/** Just enough of Fastify's request and reply to see what sendError logs and answers. */
function exchange() {
  const logged: unknown[] = [];
  const sent: { status?: number; body?: unknown } = {};
  const request = {
    id: 'req-1',
    raw: { complete: true },
    log: { error: (...args: unknown[]) => logged.push(args), warn: (...args: unknown[]) => logged.push(args) },
  };
  const reply = {
    sent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    headers() {
      return this;
    },
    header() {
      return this;
    },
    type() {
      return this;
    },
    send(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  return { request: request as unknown as FastifyRequest, reply: reply as unknown as FastifyReply, logged, sent };
}

describe('sendError', () => {
  it('never logs the SQL or the parameters of a failed query (they can hold a hash or an address)', () => {
    const { request, reply, logged, sent } = exchange();
    const error = new QueryFailedError('UPDATE users SET password_hash = $1 WHERE email = $2', ['$2b$12$secret-hash', 'ada@example.com'], new Error('boom'));
    sendError(error, request, reply);
    assert.equal(sent.status, 500);
    const text = JSON.stringify(logged);
    assert.ok(text.includes('boom'), 'the error is logged');
    for (const secret of ['$2b$12$secret-hash', 'ada@example.com', 'password_hash']) assert.ok(!text.includes(secret), `${secret} reached the log`);
    assert.ok(!JSON.stringify(sent.body).includes('secret-hash'));
  });

  it('answers a database that is away with 503 and logs it as a warning, not as a bug', () => {
    const { request, reply, logged, sent } = exchange();
    sendError(new QueryFailedError('SELECT 1', [], Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })), request, reply);
    assert.equal(sent.status, 503);
    assert.equal((sent.body as { code: string }).code, 'SERVICE_UNAVAILABLE');
    assert.match(JSON.stringify(logged), /dependency unavailable/);
  });
});
