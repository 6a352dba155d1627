import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { avatarConfig } from '../config/avatar.config';
import { UsersModule } from '../users/users.module';
import { AvatarPipeline } from './avatar-pipeline';
import { AvatarService } from './avatar.service';
import { AvatarsController } from './avatars.controller';
import { AvatarStorage } from './storage/avatar-storage';
import { LocalAvatarStorage } from './storage/local-avatar.storage';
import { S3AvatarStorage } from './storage/s3-avatar.storage';

@Module({
  imports: [UsersModule],
  controllers: [AvatarsController],
  providers: [
    AvatarPipeline,
    AvatarService,
    {
      provide: AvatarStorage,
      inject: [avatarConfig.KEY],
      useFactory: (config: ConfigType<typeof avatarConfig>): AvatarStorage =>
        config.storage === 's3' && config.s3 ? new S3AvatarStorage(config.s3) : new LocalAvatarStorage(config.localDir),
    },
  ],
  exports: [AvatarService],
})
export class AvatarModule {}
