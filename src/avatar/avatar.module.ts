import { Module } from '@nestjs/common';
import type { Settings } from '#src/config/settings-token';
import { avatarConfig } from '#src/config/avatar.config';
import { AuthModule } from '#src/auth/auth.module';
import { EventsModule } from '#src/events/events.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { UsersModule } from '#src/users/users.module';
import { AvatarPipeline } from './avatar-pipeline';
import { AvatarUploadRateLimitGuard } from './avatar-upload-rate-limit.guard';
import { AvatarService } from './avatar.service';
import { AvatarsController } from './avatars.controller';
import { MyAvatarController } from './my-avatar.controller';
import { AvatarStorage } from './storage/avatar-storage';
import { LocalAvatarStorage } from './storage/local-avatar.storage';
import { UploadSpool } from './upload-spool';

/** The avatar: a user's upload and removal, the image pipeline, its storage (disk or S3) and the public route. */
@Module({
  imports: [UsersModule, EventsModule, AuthModule, RateLimitModule],
  controllers: [AvatarsController, MyAvatarController],
  providers: [
    AvatarUploadRateLimitGuard,
    AvatarPipeline,
    AvatarService,
    { provide: UploadSpool, inject: [avatarConfig.KEY], useFactory: (config: Settings<typeof avatarConfig>) => new UploadSpool(config.spoolDir) },
    {
      provide: AvatarStorage,
      inject: [avatarConfig.KEY],
      // The AWS SDK (~22 MB resident) is loaded only in S3 mode.
      useFactory: async (config: Settings<typeof avatarConfig>): Promise<AvatarStorage> => {
        if (config.storage !== 's3' || !config.s3) return new LocalAvatarStorage(config.localDir);
        const { S3AvatarStorage } = await import('./storage/s3-avatar.storage.js');
        return new S3AvatarStorage(config.s3);
      },
    },
  ],
  exports: [AvatarService],
})
export class AvatarModule {}
