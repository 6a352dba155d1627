/**
 * Whether forgot and resend tell a known address from an unknown one by their timing (issue #28): the median
 * answer time for addresses with an account and without, side by side, with mail to files and over real SMTP.
 * Requests alternate known/unknown, one at a time and spaced, so the mail job a known address starts after its
 * answer does not fall into the next request. The ratio known/unknown should stay within 1.2.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { BENCH_PASSWORD, json, startProcess, table } from './support';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const GAP_MS = 40;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(url: string, email: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (response.status !== 202) throw new Error(`${url}: ${response.status}`);
  return elapsed;
}

async function smtpListener(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, _session, done) => stream.on('data', () => undefined).on('end', () => done()),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function measure(mode: 'file' | 'smtp', port: number): Promise<Array<Record<string, string | number>>> {
  const smtp = mode === 'smtp' ? await smtpListener() : null;
  const dataDir = mkdtempSync(join(tmpdir(), `bench-enumeration-${mode}-`));
  const env: Record<string, string> = { DATA_DIR: dataDir, DATABASE_URL: '', BCRYPT_COST: '10', AUTH_RATE_LIMIT_IP: '1000000/1m', NEW_SIGNIN_ALERTS: 'false' };
  if (smtp) Object.assign(env, { SMTP_URL: smtp.url, MAIL_TRANSPORT: 'smtp' });
  const service = await startProcess('dist/src/main.js', port, env);
  const known: string[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const email = `bench-known-${i}-${Date.now()}@example.com`;
    await json(`${service.url}/api/auth/register`, { method: 'POST', body: JSON.stringify({ email, password: BENCH_PASSWORD }) });
    known.push(email);
  }
  const rows: Array<Record<string, string | number>> = [];
  for (const route of ['/api/auth/password/forgot', '/api/auth/email/resend']) {
    const url = service.url + route;
    // Warm-up on addresses of their own (each address may be mailed once a minute).
    for (let i = 0; i < 5; i++) await timed(url, `bench-warm-${i}-${Date.now()}@example.com`);
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      knownTimes.push(await timed(url, known[i]));
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      unknownTimes.push(await timed(url, `bench-unknown-${i}-${Date.now()}@example.com`));
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    }
    const k = median(knownTimes);
    const u = median(unknownTimes);
    rows.push({ mail: mode, route, 'known ms (median)': k.toFixed(2), 'unknown ms (median)': u.toFixed(2), 'known/unknown': (k / u).toFixed(2) });
  }
  await service.stop();
  await smtp?.close();
  return rows;
}

async function main(): Promise<void> {
  const rows = [...(await measure('file', 4470)), ...(await measure('smtp', 4471))];
  console.log(table(rows));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
