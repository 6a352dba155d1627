import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import type { FastifyRequest } from 'fastify';
import { AppError } from '#src/common/errors/app-error';
import { isUuid } from '#src/common/validation/uuid';
import { avatarConfig } from '#src/config/avatar.config';
import { TransactionRunner } from '#src/database/transaction-runner';
import { AccountEvents } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { ProfileMapper } from '#src/users/profile.mapper';
import type { UserEntity } from '#src/users/user.entity';
import { UsersRepository } from '#src/users/users.repository';
import { AvatarPipeline, type ReceivedUpload } from './avatar-pipeline';
import { readAvatarUpload, uploadNotReceived } from './avatar-upload';
import { AvatarStorage, renditionKey } from './storage/avatar-storage';
import { type SpooledFile, UploadSpool } from './upload-spool';

/** Versions start with their creation time, so the sweep can leave uploads in progress alone. */
const VERSION = /^([0-9a-z]{9})([0-9a-f]{12})$/;
const SWEEP_GRACE_MS = 10 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** Files whose removal failed (storage away) are tried again this soon, not only at the hourly sweep. */
const RETRY_REMOVAL_MS = 30 * 1000;

function newVersion(): string {
  return Date.now().toString(36).padStart(9, '0') + randomBytes(6).toString('hex');
}

export function isAvatarVersion(value: string): boolean {
  return VERSION.test(value);
}

/**
 * Replacing, removing and serving avatars. New renditions are written first, the user row is switched to
 * the new version in one update, and only then are the old files deleted; a failure before the switch
 * leaves the previous avatar intact and removes the partial new files. The old files and the upload's spool
 * file are removed after the answer (nothing serves a version the row no longer names); shutdown waits for
 * those removals. Files whose deletion failed, and files orphaned by a crash, are removed by a sweep at start
 * and every hour.
 */
@Injectable()
export class AvatarService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AvatarService.name);
  private sweepTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  /** Known orphans: `userId/version` (or `userId/` for all of a user's files) whose removal failed. */
  private readonly unremoved = new Map<string, { userId: string; version?: string }>();
  /** Removals the answers did not wait for. */
  private readonly pendingRemovals = new Set<Promise<void>>();

  constructor(
    private readonly pipeline: AvatarPipeline,
    private readonly storage: AvatarStorage,
    private readonly spool: UploadSpool,
    private readonly users: UsersRepository,
    private readonly mapper: ProfileMapper,
    private readonly outbox: Outbox,
    private readonly database: TransactionRunner,
    @Inject(avatarConfig.KEY) private readonly config: Settings<typeof avatarConfig>,
  ) {}

  /** Reads the upload from the request into a spool file (within the pipeline's admission) and makes it the user's avatar. */
  async uploadAvatar(userId: string, request: FastifyRequest): Promise<UserEntity> {
    const release = this.pipeline.admit();
    let file: SpooledFile | undefined;
    try {
      file = await this.spool.create().catch((error: Error) => {
        this.logger.error(`avatar upload spool unavailable: ${error.message}`);
        throw uploadNotReceived();
      });
      const head = await readAvatarUpload(request, this.config.maxBytes, file.stream);
      return await this.replaceAvatar(userId, { path: file.path, head });
    } finally {
      // No answer waits for the spool file's removal; a refused upload's must not: the client may still be
      // sending, and that answer goes out only after the rest of the body is read (common/http/unread-body.ts).
      if (file) this.afterAnswer(file.discard());
      release();
    }
  }

  private async replaceAvatar(userId: string, upload: ReceivedUpload): Promise<UserEntity> {
    const renditions = await this.pipeline.process(upload);
    const version = newVersion();
    // allSettled: clean up only once no write is still in flight, or a late one would leave a stray file.
    const writes = await Promise.allSettled(renditions.map((rendition) => this.storage.write(renditionKey(userId, version, rendition.size), rendition.data)));
    const failed = writes.find((write): write is PromiseRejectedResult => write.status === 'rejected');
    if (failed) {
      this.logger.error(`avatar storage write failed: ${(failed.reason as Error).message}`);
      await this.removeFiles(userId, version);
      throw new AppError('SERVICE_UNAVAILABLE', 'The avatar could not be stored; your previous avatar is unchanged. Try again later.');
    }
    const switched = await this.switchTo(userId, version);
    if (!switched) {
      await this.removeFiles(userId, version);
      throw new AppError('SESSION_REVOKED', 'This account no longer exists.');
    }
    if (switched.replaced) this.afterAnswer(this.removeFiles(userId, switched.replaced));
    return switched.user;
  }

  /** Idempotent: without an avatar, nothing happens. */
  async removeAvatar(user: UserEntity): Promise<UserEntity> {
    if (!user.avatarVersion) return user;
    const switched = await this.switchTo(user.id, null);
    if (!switched) return user;
    if (switched.replaced) this.afterAnswer(this.removeFiles(user.id, switched.replaced));
    return switched.user;
  }

  /** Resolves once the removals that answers did not wait for are done (shutdown waits for it; so can a test). */
  async settled(): Promise<void> {
    while (this.pendingRemovals.size > 0) await Promise.all(this.pendingRemovals);
  }

  /** For account deletion: every file of the user. */
  async removeAllFiles(userId: string): Promise<void> {
    await this.removeFiles(userId);
  }

  /** A rendition of the user's current avatar, or null (unknown user, old or unknown version, unknown size). */
  async readRendition(userId: string, version: string, size: number): Promise<Buffer | null> {
    if (!this.config.sizes.includes(size) || !isAvatarVersion(version)) return null;
    const user = await this.users.findById(userId);
    if (user?.avatarVersion !== version) return null;
    return this.storage.read(renditionKey(userId, version, size));
  }

  async onApplicationBootstrap(): Promise<void> {
    const failed = (error: Error) => this.logger.warn(`avatar sweep failed: ${error.message}`);
    // Awaited, before the service listens: at boot the spool removes this process's folder whole.
    await this.spool.sweep(true).catch(failed);
    const sweep = () => void Promise.all([this.sweep(), this.spool.sweep()]).catch(failed);
    sweep();
    this.sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    // After the HTTP server has closed: no upload can start another removal.
    await this.settled();
    clearInterval(this.sweepTimer);
    clearTimeout(this.retryTimer);
  }

  /**
   * Removes the known orphans, then stored versions that no user points at once they are old enough not to
   * be an upload in progress.
   */
  async sweep(): Promise<number> {
    let removed = 0;
    for (const [key, { userId, version }] of this.unremoved) {
      await this.storage.remove(userId, version);
      this.unremoved.delete(key);
      removed += 1;
    }
    return removed + (await this.sweepUnreferenced());
  }

  private async sweepUnreferenced(): Promise<number> {
    const stored = await this.storage.listVersions();
    const current = await this.users.avatarVersionsOf([...new Set(stored.map((entry) => entry.userId))].filter(isUuid));
    let removed = 0;
    for (const { userId, version } of stored) {
      const created = VERSION.exec(version) ? parseInt(version.slice(0, 9), 36) : 0;
      if (current.get(userId) === version || Date.now() - created < SWEEP_GRACE_MS) continue;
      await this.storage.remove(userId, version);
      removed += 1;
    }
    return removed;
  }

  /** A removal the answer does not wait for; kept until it is done, for settled(). */
  private afterAnswer(removal: Promise<void>): void {
    const tracked: Promise<void> = removal
      .catch((error: Error) => this.logger.error(`avatar cleanup failed: ${error.message}`))
      .finally(() => this.pendingRemovals.delete(tracked));
    this.pendingRemovals.add(tracked);
  }

  // Best effort: a file that cannot be removed now is tried again soon, and is never shown to the user.
  private async removeFiles(userId: string, version?: string): Promise<void> {
    await this.storage.remove(userId, version).catch((error: Error) => {
      this.logger.warn(`avatar files not removed (retried in ${RETRY_REMOVAL_MS / 1000} s): ${error.message}`);
      this.unremoved.set(`${userId}/${version ?? ''}`, { userId, version });
      this.retryRemovalsSoon();
    });
  }

  private retryRemovalsSoon(): void {
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = undefined;
      this.sweep().catch((error: Error) => {
        this.logger.warn(`avatar sweep failed: ${error.message}`);
        if (this.unremoved.size > 0) this.retryRemovalsSoon();
      });
    }, RETRY_REMOVAL_MS).unref();
  }

  /** Points the user at the version (or none), with its `profile.avatar_changed` event in the same transaction. */
  private switchTo(userId: string, version: string | null): ReturnType<UsersRepository['switchAvatar']> {
    return this.database.run(async (tx) => {
      const switched = await this.users.switchAvatar(userId, version, tx);
      if (switched)
        await this.outbox.record(tx, AccountEvents.avatarChanged, { userId, avatar: this.mapper.toAvatar(switched.user), at: new Date().toISOString() });
      return switched;
    });
  }
}
