import { randomUUID } from 'node:crypto';
import { type WriteStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** One upload's file: written while the body streams in, read by the pipeline, then discarded. */
export interface SpooledFile {
  path: string;
  stream: Writable;
  /** Closes and removes the file; safe to call more than once and in any state of the stream; never rejects (the sweep is the fallback). */
  discard(): Promise<void>;
}

/** Older than this, a spool file belongs to no upload still running (a crash or a kill left it). */
const STALE_AFTER_MS = 60 * 60 * 1000;
const SUFFIX = '.upload';
const SPOOL_BUFFER_BYTES = 1024 * 1024;

/**
 * Avatar uploads go to files under DATA_DIR/uploads while they stream in, not into Buffers: a body of
 * megabytes held through ~150 ms of decoding outlived the scavenges and was promoted, and every few uploads
 * cost a full mark-compact for "external memory pressure" (70–100 ms of marking on the service's core;
 * BENCHMARKS.md). Files are private to the process's user, named at random and removed after each upload.
 *
 * Each process writes in a folder of its own, `<host>-<pid>`, so that instances sharing DATA_DIR never remove
 * each other's uploads: what a killed process left is removed by the next process on its host (its own folder,
 * or one whose process is gone), and anything older than an hour by whoever sweeps.
 */
export class UploadSpool {
  private readonly host = hostname();
  private readonly own: string;

  constructor(private readonly root: string) {
    this.own = `${this.host}-${process.pid}`;
  }

  async create(): Promise<SpooledFile> {
    const dir = join(this.root, this.own);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${randomUUID()}${SUFFIX}`);
    // A buffer of 1 MB, not the default 16 kB: the socket keeps flowing while a write is on the thread pool, and
    // the chunks that arrived meanwhile go in one writev (with 16 kB, each 64 kB chunk waited for its own write).
    const stream = createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: SPOOL_BUFFER_BYTES });
    // Open before anything else happens, so that a discard never removes the name before the file exists.
    await once(stream, 'ready');
    let discarded: Promise<void> | undefined;
    return { path, stream, discard: () => (discarded ??= closeAndRemove(stream, path)) };
  }

  /**
   * Removes what no running upload can be using; the number of files removed. At boot, the folder of this
   * process's name is a previous life's (a container's pid repeats) and goes whole.
   */
  async sweep(atBoot = false, now = Date.now()): Promise<number> {
    let removed = 0;
    for (const folder of await readdir(this.root).catch(() => [] as string[])) {
      const dir = join(this.root, folder);
      const files = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith(SUFFIX));
      if ((atBoot && folder === this.own) || this.leftByGoneProcess(folder)) {
        await rm(dir, { recursive: true, force: true });
        removed += files.length;
        continue;
      }
      for (const name of files) {
        const info = await stat(join(dir, name)).catch(() => null);
        if (!info || now - info.mtimeMs < STALE_AFTER_MS) continue;
        await rm(join(dir, name), { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /** A folder of this host whose process no longer runs. */
  private leftByGoneProcess(folder: string): boolean {
    if (folder === this.own || !folder.startsWith(`${this.host}-`)) return false;
    const pid = Number(folder.slice(this.host.length + 1));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}

async function closeAndRemove(stream: WriteStream, path: string): Promise<void> {
  // The stream closes its descriptor when it finishes or is destroyed; wait for that before the name goes.
  if (!stream.closed) {
    // A write still pending when the stream is destroyed reports an error first; 'close' follows.
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    stream.destroy();
    await closed;
  }
  await rm(path, { force: true }).catch(() => undefined);
}
