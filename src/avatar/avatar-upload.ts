import type { Writable } from 'node:stream';
import Busboy, { type BusboyFileStream } from '@fastify/busboy';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { AppError } from '#src/common/errors/app-error';
import { SIGNATURE_BYTES } from './image-type';

const MULTIPART_ROUTE = 'multipartBody';

/** Marks the route that reads a multipart body (with readAvatarUpload); every other route answers it with 415. */
export const AcceptsMultipart = () => RouteConfig({ [MULTIPART_ROUTE]: true });

/** Whether the request's route was marked with @AcceptsMultipart(). */
export function acceptsMultipart(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { [MULTIPART_ROUTE]?: unknown })[MULTIPART_ROUTE] === true;
}

/** Room for the multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD = 16 * 1024;
const MULTIPART_TYPE = /^multipart\/form-data\s*(;|$)/i;

// The rest of an oversized upload is discarded, then the connection closed (sendAfterUnreadBody in common/http/unread-body.ts).
const tooLarge = (maxBytes: number) => new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes.`, { maxBytes });
const notMultipart = () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the image as multipart/form-data with a part named "file".');
const invalidPart = (reason: string) => new AppError('VALIDATION_FAILED', 'The request is not valid.', { fields: { file: [reason] } });
const missingFile = () => invalidPart('a file part named "file" is required');
const malformed = () => new AppError('VALIDATION_FAILED', 'The multipart body is malformed.', { fields: { file: ['malformed multipart body'] } });
/** The upload could not be kept while it arrived (the spool's disk): the service's fault, not the client's. */
export const uploadNotReceived = () =>
  new AppError('SERVICE_UNAVAILABLE', 'The upload could not be received; your previous avatar is unchanged. Try again later.');

/**
 * Streams the multipart part named `file` into `sink`, at most `maxBytes` of it: a longer upload is cut off
 * while it streams in (or refused from its Content-Length before reading at all). Resolves, once every byte
 * is written, with the part's first SIGNATURE_BYTES (what the image type is read from); a failed sink is a
 * 503, not the client's fault. On a rejection the sink holds a partial file: the caller discards it.
 *
 * The body is parsed here, by busboy, rather than by @fastify/multipart: the plugin put two hooks and a
 * socket listener on every request of the service for the sake of this one route.
 */
export async function readAvatarUpload(request: FastifyRequest, maxBytes: number, sink: Writable): Promise<Buffer> {
  const contentType = request.headers['content-type'];
  if (!contentType || !MULTIPART_TYPE.test(contentType)) throw notMultipart();
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes);
  let parser: InstanceType<typeof Busboy>;
  try {
    parser = new Busboy({
      headers: { ...request.headers, 'content-type': contentType },
      limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1, headerPairs: 50 },
    });
  } catch {
    throw malformed(); // no boundary, or not a form at all
  }
  return new Promise<Buffer>((resolve, reject) => {
    let head: Buffer | undefined;
    let receiving = false;
    let finished = false;
    let settled = false;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      // Stop reading: the error answer ends the exchange (413 also closes the connection).
      request.raw.unpipe(parser);
      reject(error);
    };
    // busboy may report 'finish' before the file part's own 'end' listeners have run: settle after both.
    const settleWhenDone = () => {
      if (!finished || receiving || settled) return;
      if (!head) return fail(missingFile());
      settled = true;
      resolve(head);
    };
    parser.on('file', (field: string, stream: BusboyFileStream) => {
      if (field !== 'file') {
        stream.resume();
        return fail(missingFile());
      }
      receiving = true;
      const leading: Buffer[] = [];
      let leadingBytes = 0;
      stream.on('data', (chunk: Buffer) => {
        if (leadingBytes >= SIGNATURE_BYTES) return;
        // A copy: a slice would keep the whole socket chunk alive.
        const part = Buffer.from(chunk.subarray(0, SIGNATURE_BYTES - leadingBytes));
        leading.push(part);
        leadingBytes += part.length;
      });
      sink.on('error', () => fail(uploadNotReceived()));
      // Fails the moment busboy reports the size limit, without reading (or keeping) the rest.
      stream.once('limit', () => {
        stream.unpipe(sink);
        stream.resume();
        fail(tooLarge(maxBytes));
      });
      // A part cut short (body ended without the closing boundary); `on`, as busboy may report more than once.
      stream.on('error', () => fail(malformed()));
      // pipe() ends the sink after the part's last byte; 'finish' is when all of it is written.
      sink.once('finish', () => {
        receiving = false;
        head = Buffer.concat(leading);
        settleWhenDone();
      });
      stream.pipe(sink);
    });
    const oneFilePart = () => fail(invalidPart('send exactly one part, named "file"'));
    parser.once('partsLimit', oneFilePart).once('filesLimit', oneFilePart).once('fieldsLimit', oneFilePart);
    parser.on('error', () => fail(malformed()));
    parser.once('finish', () => {
      finished = true;
      settleWhenDone();
    });
    // A client that goes away mid-body leaves busboy waiting for the rest: end the upload instead.
    request.raw.once('close', () => {
      if (!request.raw.complete) fail(malformed());
    });
    request.raw.pipe(parser);
  });
}
