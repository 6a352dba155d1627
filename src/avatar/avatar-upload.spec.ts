import assert from 'node:assert/strict';
import { type IncomingMessage, type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyRequest } from 'fastify';
import type { AppError } from '#src/common/errors/app-error';
import { readAvatarUpload } from './avatar-upload';

const BOUNDARY = 'specBoundary';
const head = (field: string) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`;
const tail = `\r\n--${BOUNDARY}--\r\n`;

interface Received {
  head: Buffer;
  written: Buffer;
}

/** A sink that keeps what it is given, or one whose writes fail (a full disk). */
function sink(failing: boolean): { stream: Writable; written: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      if (failing) return done(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
      chunks.push(chunk);
      done();
    },
  });
  return { stream, written: () => Buffer.concat(chunks) };
}

/** Real HTTP into readAvatarUpload: each request's outcome is handed to the test that sent it. */
describe('readAvatarUpload', () => {
  let server: Server;
  let port: number;
  let outcome: (result: Promise<Received>) => void = () => undefined;
  let failingSink = false;

  before(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const target = sink(failingSink);
      const result = readAvatarUpload({ headers: req.headers, raw: req } as unknown as FastifyRequest, 1024, target.stream).then((head) => ({
        head,
        written: target.written(),
      }));
      outcome(result);
      result.then(
        () => res.end('ok'),
        () => res.end('error'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Sends `chunks` as a chunked multipart body; with `abort`, destroys the connection instead of ending it. */
  function send(chunks: string[], abort = false): Promise<Received> {
    const result = new Promise<Promise<Received>>((resolve) => (outcome = resolve));
    const req = httpRequest({
      port,
      host: '127.0.0.1',
      method: 'PUT',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => undefined);
    req.on('response', (res) => res.resume());
    for (const chunk of chunks) req.write(chunk);
    if (abort) setTimeout(() => req.destroy(), 50);
    else req.end();
    return result.then((promise) => promise);
  }

  it('writes the file part to the sink, however the body is split, and answers its first bytes', async () => {
    const short = await send([head('file').slice(0, 20), head('file').slice(20), 'PNGDATA', tail]);
    assert.equal(short.written.toString(), 'PNGDATA');
    assert.equal(short.head.toString(), 'PNGDATA');
    const long = 'P'.repeat(40) + 'Q'.repeat(300);
    const received = await send([head('file'), long.slice(0, 30), long.slice(30, 200), long.slice(200), tail]);
    assert.equal(received.written.toString(), long);
    assert.equal(received.head.toString(), long.slice(0, 64));
  });

  it("fails with SERVICE_UNAVAILABLE (not the client's fault) when the sink cannot be written", async () => {
    failingSink = true;
    try {
      await assert.rejects(send([head('file'), 'PNGDATA', tail]), (error: AppError) => error.code === 'SERVICE_UNAVAILABLE');
    } finally {
      failingSink = false;
    }
  });

  it('fails with the contract errors for a wrong part, a second part and an oversized file', async () => {
    const code = (promise: Promise<Received>) =>
      promise.then(
        () => 'resolved',
        (error: AppError) => error.code,
      );
    assert.equal(await code(send([head('image'), 'x', tail])), 'VALIDATION_FAILED');
    assert.equal(await code(send([head('file'), 'x', `\r\n--${BOUNDARY}\r\n`, head('file').slice(BOUNDARY.length + 4), 'y', tail])), 'VALIDATION_FAILED');
    assert.equal(await code(send([head('file'), 'x'.repeat(2048), tail])), 'PAYLOAD_TOO_LARGE');
  });

  it('fails with VALIDATION_FAILED, not a crash, for a body that ends inside the file part', async () => {
    await assert.rejects(send([head('file'), 'PNGDATA without the closing boundary']), (error: AppError) => error.code === 'VALIDATION_FAILED');
    await assert.rejects(send([`--${BOUNDARY}\r\nContent-Disposition: form-da`]), (error: AppError) => error.code === 'VALIDATION_FAILED');
  });

  it('ends, rather than waits forever, when the client goes away mid-body', { timeout: 5000 }, async () => {
    const result = send([head('file'), 'partial'], true);
    await assert.rejects(result, (error: AppError) => error.code === 'VALIDATION_FAILED');
  });
});
