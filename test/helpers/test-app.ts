import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app.setup';
import { PROFILE_CONNECTION } from '../../src/database/profile-connection';
import { OpenApiResponseCheck } from './openapi-responses';
import { headerOf, readableMessage } from './mime-text';

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  /** http://127.0.0.1:<port> of the listening app. */
  url: string;
  dataDir: string;
  /** The service's own connection, for a test that looks at rows directly. */
  db: DataSource;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule over real HTTP with a fresh data directory (SQLite file, keys, outbox), or on
 * the PostgreSQL of DATABASE_URL. Settings have the environment variables' names, exactly as in production.
 */
export async function startTestApp(env: Record<string, string> = {}, listen: { port?: number } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'profile-test-'));
  // A Redis shared by several test apps (REDIS_URL in CI) must not mix their counters.
  const isolation = { REDIS_KEY_PREFIX: `profile-test-${randomUUID()}:` };
  // The suite's environment (DATABASE_URL, REDIS_URL in CI) with the test's own settings over it.
  // No breach check unless a test brings its own range server: tests never call out of the machine.
  const app = await createApp({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', BCRYPT_COST: '4', PWNED_PASSWORDS_URL: '', ...isolation, ...env });
  const responses = new OpenApiResponseCheck();
  responses.install(app.getHttpAdapter().getInstance());
  // Listening on a real port, as in production: supertest's own per-request listen closes the server under
  // connections still in use (an answered-but-unread upload lingers on its socket).
  await app.listen({ port: listen.port ?? 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    http: request(`http://127.0.0.1:${port}`),
    url: `http://127.0.0.1:${port}`,
    dataDir,
    db: app.get<DataSource>(getDataSourceToken(PROFILE_CONNECTION)),
    close: async () => {
      await app.close();
      // Every answer the test saw is one the document describes, or the test fails here.
      if (responses.violations.length > 0) throw new Error(`answers the OpenAPI document does not describe:\n${[...new Set(responses.violations)].join('\n')}`);
    },
  };
}

export interface OutboxMail {
  file: string;
  raw: string;
  to: string;
  subject: string;
}

/** A port nothing listens on now: for an app whose PUBLIC_URL must name its own port before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The .eml files the file transport wrote, oldest first. */
export function readOutbox(dataDir: string): OutboxMail[] {
  const dir = join(dataDir, 'outbox');
  let files: string[];
  try {
    files = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return files.map((file) => {
    const raw = readableMessage(readFileSync(join(dir, file), 'utf8'));
    return { file, raw, to: headerOf(raw, 'To'), subject: headerOf(raw, 'Subject') };
  });
}

/**
 * The token of the last link to `page` in a mail; without `page`, of the last link that is not a notice's "this
 * wasn't me" lock link. `raw` is already decoded (readableMessage): decoding `=3D` again cut a token that begins
 * with "3D" (1 link in 4 096).
 */
export function linkToken(mail: { raw: string; subject?: string }, page?: string): string {
  const matches = [...mail.raw.matchAll(/\/([a-z-]+)\?token=([A-Za-z0-9_-]+)/g)].filter(([, path]) =>
    page === undefined ? path !== 'lock-account' : path === page,
  );
  if (matches.length === 0) throw new Error(`no ${page ?? ''} link token in mail "${mail.subject ?? ''}"`);
  return matches[matches.length - 1][2];
}

/** The "this wasn't me" lock token of a security notice. */
export function lockToken(mail: { raw: string; subject?: string }): string {
  return linkToken(mail, 'lock-account');
}

/** Waits (up to 5 s) for a mail in the outbox folder that `matches`: mail jobs send just after the request. */
export async function waitForOutboxMail(dataDir: string, matches: (mail: OutboxMail) => boolean): Promise<OutboxMail> {
  for (let i = 0; i < 250; i++) {
    const found = readOutbox(dataDir).filter(matches).pop();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no such mail in the outbox');
}

/** Waits (up to 5 s) until every mail job of the app has run (sent, or waiting for a retry after a failure). */
export async function waitForMailJobs(t: TestApp): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const rows: Array<{ n: number | string }> = await t.db.query('SELECT COUNT(*) AS n FROM mail_jobs WHERE done_at IS NULL AND attempts = 0');
    if (Number(rows[0].n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('mail jobs did not run');
}
