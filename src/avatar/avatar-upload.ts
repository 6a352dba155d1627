import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';

/** Room for the multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD = 16 * 1024;

// The rest of an oversized upload is not read: the connection is closed after the 413.
const tooLarge = (maxBytes: number) => new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes.`, { maxBytes }, { connection: 'close' });

/**
 * Reads the multipart part named `file`, at most `maxBytes` of it: a longer upload is cut off while it
 * streams in (or refused from its Content-Length before reading at all), never buffered whole.
 */
export async function readAvatarUpload(request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the image as multipart/form-data with a part named "file".');
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes);
  let part;
  try {
    part = await request.file({ limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 } });
  } catch (error) {
    throw uploadError(error, maxBytes);
  }
  if (!part || part.fieldname !== 'file') {
    throw new AppError('VALIDATION_FAILED', 'The request is not valid.', { fields: { file: ['a file part named "file" is required'] } });
  }
  try {
    return await collect(part.file, maxBytes);
  } catch (error) {
    throw uploadError(error, maxBytes);
  }
}

/**
 * Gathers the file part, failing the moment busboy reports the size limit (the plugin's own toBuffer would
 * keep reading, and discarding, to the end of the request).
 */
function collect(file: Readable, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    file.on('data', (chunk: Buffer) => chunks.push(chunk));
    file.once('limit', () => {
      chunks.length = 0;
      reject(tooLarge(maxBytes));
      file.destroy();
    });
    file.once('end', () => resolve(Buffer.concat(chunks)));
    file.once('error', reject);
  });
}

function uploadError(error: unknown, maxBytes: number): unknown {
  const code = (error as { code?: string }).code;
  if (error instanceof AppError) return error;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes);
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new AppError('VALIDATION_FAILED', 'The request is not valid.', { fields: { file: ['send exactly one part, named "file"'] } });
  }
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_NO_FORM_DATA')
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the image as multipart/form-data.');
  if (
    error instanceof Error &&
    /Unexpected end of (form|multipart data)|Malformed part header|Boundary not found|terminated early|Premature close/i.test(error.message)
  ) {
    return new AppError('VALIDATION_FAILED', 'The multipart body is malformed.', { fields: { file: ['malformed multipart body'] } });
  }
  return error;
}
