import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '#src/config/avatar.config';
import { AvatarStorage, type StoredVersion } from './avatar-storage';

/** Any S3-compatible bucket. Objects are public-cacheable WebP, keyed `<S3_PREFIX><userId>/<version>/<size>.webp`. */
export class S3AvatarStorage extends AvatarStorage {
  private readonly client: S3Client;

  constructor(private readonly config: S3Config) {
    super();
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
      // Recent SDKs add CRC checksums by default, which many S3-compatible servers reject.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Bounded waits: a bucket that is away answers the upload with 503 in seconds, not minutes.
      requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000 },
      maxAttempts: 2,
    });
  }

  async write(key: string, data: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.config.prefix + key,
        Body: data,
        ContentType: 'image/webp',
        CacheControl: 'public, max-age=31536000, immutable',
      }),
    );
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.config.prefix + key }));
      return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : null;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async remove(userId: string, version?: string): Promise<void> {
    const prefix = `${this.config.prefix}${userId}/${version ? `${version}/` : ''}`;
    const keys = (await this.list(prefix)).map((Key) => ({ Key }));
    for (let i = 0; i < keys.length; i += 1000) {
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.config.bucket, Delete: { Objects: keys.slice(i, i + 1000), Quiet: true } }));
    }
  }

  async listVersions(): Promise<StoredVersion[]> {
    const seen = new Map<string, StoredVersion>();
    for (const key of await this.list(this.config.prefix)) {
      const [userId, version] = key.slice(this.config.prefix.length).split('/');
      if (userId && version) seen.set(`${userId}/${version}`, { userId, version });
    }
    return [...seen.values()];
  }

  private async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}
