export type AcceptedImageType = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif';

/** How many leading bytes detectImageType reads at most. */
export const SIGNATURE_BYTES = 64;

const ascii = (buffer: Buffer, start: number, end: number): string => buffer.subarray(start, end).toString('latin1');

/**
 * The image type from the leading bytes (magic numbers), never from a file name or declared type.
 * Anything else — SVG, HTML, PDF, executables — is undefined.
 */
export function detectImageType(buffer: Buffer): AcceptedImageType | undefined {
  if (buffer.length < 12) return undefined;
  if (buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) return 'jpeg';
  if (buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (ascii(buffer, 0, 6) === 'GIF87a' || ascii(buffer, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(buffer, 0, 4) === 'RIFF' && ascii(buffer, 8, 12) === 'WEBP') return 'webp';
  if (ascii(buffer, 4, 8) === 'ftyp' && isAvifBrand(buffer)) return 'avif';
  return undefined;
}

/** An ISO-BMFF `ftyp` box whose major or compatible brands include avif/avis. */
function isAvifBrand(buffer: Buffer): boolean {
  const boxSize = buffer.readUInt32BE(0);
  const end = Math.min(boxSize, buffer.length, 64);
  const brands = [ascii(buffer, 8, 12)];
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.push(ascii(buffer, offset, offset + 4));
  return brands.includes('avif') || brands.includes('avis');
}
