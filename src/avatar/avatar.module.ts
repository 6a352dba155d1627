import { Module } from '@nestjs/common';
import type { Settings } from '../config/settings-token';
import { avatarConfig } from '../config/avatar.config';
import { EventsModule } from '../events/events.module';
import { UsersModule } from '../users/users.module';
import { AvatarPipeline } from './avatar-pipeline';
import { AvatarService } from './avatar.service';
import { AvatarsController } from './avatars.controller';
import { AvatarStorage } from './storage/avatar-storage';
import { LocalAvatarStorage } from './storage/local-avatar.storage';

@Module({
  imports: [UsersModule, EventsModule],
  controllers: [AvatarsController],
  providers: [
    AvatarPipeline,
    AvatarService,
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
