import { Module } from '@nestjs/common';
import { MailModule } from '#src/mail/mail.module';
import { UsersModule } from '#src/users/users.module';
import { SecurityNotices } from './security-notices';

/** Security mails with their own "this wasn't me" lock link; every capability that changes a credential sends through it. */
@Module({
  imports: [UsersModule, MailModule],
  providers: [SecurityNotices],
  exports: [SecurityNotices],
})
export class SecurityNoticesModule {}
