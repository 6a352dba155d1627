import { Module } from '@nestjs/common';
import { AuthModule } from '#src/auth/auth.module';
import { EventsModule } from '#src/events/events.module';
import { MailModule } from '#src/mail/mail.module';
import { RateLimitModule } from '#src/rate-limit/rate-limit.module';
import { SecurityNoticesModule } from '#src/security-notices/security-notices.module';
import { TakebackModule } from '#src/takeback/takeback.module';
import { UsersModule } from '#src/users/users.module';
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
