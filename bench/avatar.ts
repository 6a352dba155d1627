/**
 * Avatar uploads per second and the service's peak RSS for a 12-megapixel JPEG, at concurrency 1 and 4; then the
 * upload against sharp alone doing the same renditions (bench/sharp-ceiling.ts), in alternating rounds; then a
 * decompression bomb.
 *
 * The ratio is the median of per-round ratios (each round: BENCH_ROUND_UPLOADS uploads one after another, then the
 * same number of sharp-only runs on the service's core): single measurements of either side moved by ±15 % from
 * one minute to the next here, more than the difference being measured.
 *
 * The client is node:http with a keep-alive agent, which hands the whole request to the kernel at once. Each round
 * also uploads with undici's fetch, and its ratio is printed beside: fetch streams the body through WHATWG streams
 * on the load generator's core and so trickles it to the service (5–6 ms more per upload here, none of it the
 * service's work).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { pngBomb } from '../test/helpers/images';
import { memoryMb, median, runPinned, signIn, startProcess, table } from './support';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 24);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ROUND_UPLOADS = Number(process.env.BENCH_ROUND_UPLOADS ?? 8);

/** A 4000×3000 photo-like JPEG: smooth noise, so it compresses like a photo rather than a flat colour. */
async function twelveMegapixelJpeg(): Promise<Buffer> {
  const small = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png()
    .toBuffer();
  return sharp(small).resize(4000, 3000, { kernel: 'cubic' }).jpeg({ quality: 90 }).toBuffer();
}

async function main(): Promise<void> {
  const photo = await twelveMegapixelJpeg();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-avatar-'));
  const service = await startProcess('dist/src/main.js', 4500, {
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    BCRYPT_COST: '10',
    AVATAR_MAX_BYTES: String(16 * 1024 * 1024),
    // 49 uploads from one account: past the default 20 an hour.
    AVATAR_RATE_LIMIT: '1000/1h',
  });
  const pid = service.process.pid as number;
  const headers = await signIn(service.url, 'avatar');

  // The multipart body is encoded once, as a browser would send it: undici's FormData encoder, run per upload on
  // the load generator's core, cost ~5 ms and fed the body to the service slower than the network does.
  const boundary = `----bench${Date.now().toString(16)}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    photo,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const uploadHeaders = { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` };
  const avatarUrl = `${service.url}/api/auth/users/me/avatar`;
  const agent = new Agent({ keepAlive: true });
  const uploadOnce = async (): Promise<number> => {
    const started = performance.now();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const sent = request(avatarUrl, { method: 'PUT', agent, headers: { ...uploadHeaders, 'content-length': body.length } }, (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode));
      });
      sent.once('error', reject);
      sent.end(body);
    });
    if (status !== 200) throw new Error(`upload answered ${status}`);
    return performance.now() - started;
  };
  const uploadWithFetch = async (): Promise<number> => {
    const started = performance.now();
    const response = await fetch(avatarUrl, { method: 'PUT', headers: uploadHeaders, body });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`upload answered ${response.status}`);
    return performance.now() - started;
  };

  await uploadOnce();
  await uploadWithFetch();
  const rows: Array<Record<string, string | number>> = [];
  for (const concurrency of [1, 4]) {
    const latencies: number[] = [];
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < UPLOADS) latencies.push(await uploadOnce());
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    rows.push({
      concurrency,
      uploads: UPLOADS,
      'uploads/s': (UPLOADS / seconds).toFixed(2),
      'p50 ms': Math.round(median(latencies)),
      'max ms': Math.round(Math.max(...latencies)),
      'peak RSS MB': memoryMb(pid).peak.toFixed(0),
    });
  }
  // The ceiling: sharp alone on the same file, on the service's core, round by round with the service.
  const photoFile = join(dataDir, 'photo.jpg');
  writeFileSync(photoFile, photo);
  const ratios: number[] = [];
  const fetchRatios: number[] = [];
  const roundRows: Array<Record<string, string | number>> = [];
  const p50Of = async (upload: () => Promise<number>) => {
    const latencies: number[] = [];
    for (let i = 0; i < ROUND_UPLOADS; i += 1) latencies.push(await upload());
    return median(latencies);
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    const upload = await p50Of(uploadOnce);
    const withFetch = await p50Of(uploadWithFetch);
    const sharpOnly = (JSON.parse(runPinned('dist/bench/sharp-ceiling.js', photoFile, String(ROUND_UPLOADS))) as { p50: number }).p50;
    ratios.push(upload / sharpOnly);
    fetchRatios.push(withFetch / sharpOnly);
    roundRows.push({
      round: round + 1,
      'upload p50 ms': upload.toFixed(1),
      'fetch upload p50 ms': withFetch.toFixed(1),
      'sharp-only p50 ms': sharpOnly.toFixed(1),
      ratio: (upload / sharpOnly).toFixed(3),
      'fetch ratio': (withFetch / sharpOnly).toFixed(3),
    });
  }
  // A decompression bomb: a tiny PNG whose header declares 50 000 × 50 000 pixels; refused from its header alone.
  const bomb = await pngBomb();
  const bombTimes: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bomb)], { type: 'image/png' }), 'bomb.png');
    const started = performance.now();
    const response = await fetch(`${service.url}/api/auth/users/me/avatar`, { method: 'PUT', headers, body: form });
    await response.arrayBuffer();
    bombTimes.push(performance.now() - started);
    if (response.status !== 422) throw new Error(`the bomb answered ${response.status}`);
  }
  agent.destroy();
  await service.stop();
  console.log(`input: 4000×3000 JPEG, ${(photo.length / 1024 / 1024).toFixed(1)} MB`);
  console.log(table(rows));
  console.log(table(roundRows));
  console.log(`upload p50 ÷ sharp-only p50 = ${median(ratios).toFixed(3)} (median of ${ROUNDS} rounds of ${ROUND_UPLOADS})`);
  console.log(`the same with undici's fetch as the client: ${median(fetchRatios).toFixed(3)}`);
  console.log(
    `decompression bomb (${(bomb.length / 1024).toFixed(0)} kB PNG, 2.5 GP declared): 422 in median ${median(bombTimes).toFixed(1)} ms, max ${Math.max(...bombTimes).toFixed(1)} ms`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
