import { mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AvatarStorage, type StoredVersion } from './avatar-storage';

/**
 * Files under DATA_DIR/avatars. A rendition is written in place, under its final name, and never over an
 * existing file: every upload writes a new version's folder, which nothing serves before the user row names
 * it, and the row names it only once all of its files are written (AvatarService). A crash's half-written
 * version is one no row names, and the sweep removes it.
 */
export class LocalAvatarStorage extends AvatarStorage {
  constructor(private readonly root: string) {
    super();
  }

  async write(key: string, data: Buffer): Promise<void> {
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data, { flag: 'wx' });
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      return await readFile(join(this.root, key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async remove(userId: string, version?: string): Promise<void> {
    await rm(version ? join(this.root, userId, version) : join(this.root, userId), { recursive: true, force: true });
    // Drop the user's folder once its last version is gone (rmdir refuses a non-empty one).
    if (version) await rmdir(join(this.root, userId)).catch(() => undefined);
  }

  async listVersions(): Promise<StoredVersion[]> {
    const found: StoredVersion[] = [];
    for (const userId of await readdir(this.root).catch(() => [] as string[])) {
      for (const version of await readdir(join(this.root, userId)).catch(() => [] as string[])) found.push({ userId, version });
    }
    return found;
  }
}
