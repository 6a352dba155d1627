import { Inject, Injectable } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import type { Sharp, SharpOptions } from 'sharp';
import { AppError } from '#src/common/errors/app-error';
import { Semaphore } from '#src/common/concurrency/semaphore';
import { avatarConfig } from '#src/config/avatar.config';
import { type AcceptedImageType, detectImageType } from './image-type';

export interface Rendition {
  size: number;
  data: Buffer;
}

/** An upload as the pipeline reads it: the file on disk, and its first bytes (the type is read from those). */
export interface ReceivedUpload {
  path: string;
  head: Buffer;
}

/** What sharp reports for each accepted type: a disguised file (say, an AVIF box around HEIC) is refused. */
const SHARP_FORMAT: Record<AcceptedImageType, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', gif: 'gif', avif: 'heif' };

const unsupported = () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'Only JPEG, PNG, WebP, GIF and AVIF images are accepted.');
const invalid = (message = 'The image cannot be decoded.') => new AppError('INVALID_IMAGE', message);

/**
 * libvips is loaded on the first upload, not at boot: it is ~19 MB of the idle process otherwise. Its operation
 * cache is off: every upload is a new file, so it never hits, and it would keep up to 20 removed spool files open.
 */
async function loadSharp(): Promise<(input?: string | Buffer, options?: SharpOptions) => Sharp> {
  const sharp = (await import('sharp')).default;
  sharp.cache(false);
  return sharp;
}

/**
 * An upload's file to square WebP renditions: type from magic numbers, declared size checked from the header
 * before anything is decoded (decompression bombs), upright by EXIF, centre-cropped, scaled (up as well as
 * down) and re-encoded, which drops every metadata block. sharp works on libuv's thread pool; the semaphore
 * bounds how many images are in memory at once.
 */
@Injectable()
export class AvatarPipeline {
  private readonly slots: Semaphore;
  private inFlight = 0;
  private sharp?: (input?: string | Buffer, options?: SharpOptions) => Sharp;

  constructor(@Inject(avatarConfig.KEY) private readonly config: Settings<typeof avatarConfig>) {
    this.slots = new Semaphore(config.concurrency);
  }

  /**
   * Admits one upload before its body is read, so that memory is bounded by AVATAR_MAX_IN_FLIGHT bodies
   * rather than by how many clients send at once; past the cap the upload is refused (503, Retry-After).
   * The caller gives the place back with the returned function.
   */
  admit(): () => void {
    if (this.inFlight >= this.config.maxInFlight) {
      throw new AppError('SERVICE_UNAVAILABLE', 'Too many avatar uploads are being processed; try again shortly.', undefined, { 'retry-after': '2' });
    }
    this.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
    };
  }

  process(upload: ReceivedUpload): Promise<Rendition[]> {
    const type = detectImageType(upload.head);
    if (!type) return Promise.reject(unsupported());
    return this.slots.run(() => this.render(upload.path, type));
  }

  private async render(input: string, type: AcceptedImageType): Promise<Rendition[]> {
    const sharp = (this.sharp ??= await loadSharp());
    const header = await sharp(input, { limitInputPixels: false, pages: 1 })
      .metadata()
      .catch(() => {
        throw invalid();
      });
    if (header.format !== SHARP_FORMAT[type] || (type === 'avif' && header.compression !== 'av1')) throw unsupported();
    if (!header.width || !header.height) throw invalid();
    if (header.width * header.height > this.config.maxPixels) {
      throw invalid(`The image has more than ${this.config.maxPixels} pixels.`);
    }
    const largest = this.config.sizes[this.config.sizes.length - 1];
    try {
      // One decode (with shrink-on-load for JPEG), oriented and cropped at the largest size; smaller sizes from that.
      const { data, info } = await sharp(input, { limitInputPixels: this.config.maxPixels, failOn: 'error', pages: 1, autoOrient: true })
        .resize(largest, largest, { fit: 'cover', position: 'centre' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
      return await Promise.all(
        this.config.sizes.map(async (size) => ({
          size,
          data: await sharp(data, raw).resize(size, size).webp({ quality: 82 }).toBuffer(),
        })),
      );
    } catch {
      throw invalid();
    }
  }
}
