import { RetentionModule } from '#src/retention/retention.module';
import { ErasureModule } from '#src/erasure/erasure.module';
import { Module } from '@nestjs/common';
import { CredentialsRecordService } from './export/credentials-record.service';
import { AuthModule } from '#src/auth/auth.module';
import { AvatarModule } from '#src/avatar/avatar.module';
import { EventsModule } from '#src/events/events.module';
import { MailModule } from '#src/mail/mail.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { SecondFactorsModule } from '#src/second-factors/second-factors.module';
import { SecurityNoticesModule } from '#src/security-notices/security-notices.module';
import { UsersModule } from '#src/users/users.module';
import { AccountDeletionService } from './deletion/account-deletion.service';
import { DeletionLinkController, DeletionPagesController, MyDeletionController } from './deletion/deletion.controller';
import { ScheduledDeletionsRetention } from './deletion/scheduled-deletions.retention';
import { ActivityController } from './activity/activity.controller';
import { ActivityService } from './activity/activity.service';
import { DataExportController } from './export/data-export.controller';
import { DataExportService } from './export/data-export.service';
import { ProfileMessagesController } from './profile-messages.controller';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';

/** The signed-in user's own record: reading and editing the profile, its activity, its export, deleting it. */
@Module({
  imports: [
    AuthModule,
    SecondFactorsModule,
    AvatarModule,
    UsersModule,
    MailModule,
    SecurityNoticesModule,
    EventsModule,
    ErasureModule,
    RateLimitModule,
    RetentionModule,
  ],
  controllers: [
    ProfileController,
    ActivityController,
    DataExportController,
    ProfileMessagesController,
    MyDeletionController,
    DeletionLinkController,
    DeletionPagesController,
  ],
  providers: [ProfileService, ActivityService, DataExportService, CredentialsRecordService, AccountDeletionService, ScheduledDeletionsRetention],
})
export class ProfileModule {}
