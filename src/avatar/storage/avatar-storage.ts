export interface StoredVersion {
  userId: string;
  version: string;
}

/**
 * Where avatar renditions live. Keys are built only from a user id and a server-made version
 * (`<userId>/<version>/<size>.webp`), never from client input.
 */
export abstract class AvatarStorage {
  abstract write(key: string, data: Buffer): Promise<void>;
  /** The object, or null when it does not exist. */
  abstract read(key: string): Promise<Buffer | null>;
  /** Removes every object under `<userId>/<version>/`, or under `<userId>/` when version is omitted. */
  abstract remove(userId: string, version?: string): Promise<void>;
  /** Every stored version, for the sweep of orphaned files. */
  abstract listVersions(): Promise<StoredVersion[]>;
}

export function renditionKey(userId: string, version: string, size: number): string {
  return `${userId}/${version}/${size}.webp`;
}
