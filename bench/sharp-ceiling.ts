/**
 * The avatar bench's ceiling: the same renditions as the pipeline (metadata, one decode cropped to 512 px, WebP
 * at 64, 256 and 512) with sharp alone, on the file given as argv[2], one after another; no HTTP, no storage.
 * Run by bench/avatar.ts in a process of its own, on the core the service runs on, for argv[3] runs after one to
 * warm up; prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';

const SIZES = [64, 256, 512];

async function renditions(input: Buffer): Promise<void> {
  await sharp(input, { limitInputPixels: false, pages: 1 }).metadata();
  const { data, info } = await sharp(input, { pages: 1, autoOrient: true })
    .resize(512, 512, { fit: 'cover', position: 'centre' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  await Promise.all(SIZES.map((size) => sharp(data, raw).resize(size, size).webp({ quality: 82 }).toBuffer()));
}

async function main(): Promise<void> {
  const input = readFileSync(process.argv[2]);
  const runs = Number(process.argv[3] ?? 24);
  await renditions(input);
  const latencies: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await renditions(input);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({ p50: latencies[Math.floor(latencies.length / 2)] }));
}

void main();
