import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AvatarModule } from '../avatar/avatar.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { AccountSecurityService } from './account-security.service';
import { AvatarController } from './avatar.controller';
import { EmailController } from './email.controller';
import { MySessionsService } from './my-sessions.service';
import { ProfileMessagesController } from './profile-messages.controller';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';
import { SessionsController } from './sessions.controller';

@Module({
  imports: [AuthModule, AvatarModule, UsersModule, MailModule],
  controllers: [ProfileController, EmailController, AvatarController, SessionsController, ProfileMessagesController],
  providers: [ProfileService, AccountSecurityService, MySessionsService],
})
export class ProfileModule {}
