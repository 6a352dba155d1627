import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SecurityNoticesModule } from '../security-notices/security-notices.module';
import { TakebackModule } from '../takeback/takeback.module';
import { UsersModule } from '../users/users.module';
import { EmailChangeController } from './email-change.controller';
import { EmailChangeService } from './email-change.service';
import { EmailLinkPagesController } from './email-link-pages.controller';
import { EmailLinksController } from './email-links.controller';

/**
 * The account's address: a change (request, resend, cancel), following the mailed links (verify, also of a
 * registration's address, and undo) and their pages.
 */
@Module({
  imports: [AuthModule, TakebackModule, UsersModule, MailModule, SecurityNoticesModule, EventsModule, RateLimitModule],
  controllers: [EmailChangeController, EmailLinksController, EmailLinkPagesController],
  providers: [EmailChangeService],
})
export class EmailChangeModule {}
