import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { Erasures } from '#src/erasure/erasures.service';
import { RetentionRules } from '#src/retention/retention-rules';
import { UserEntity } from '#src/users/user.entity';
import { AccountDeletionService } from './account-deletion.service';

/**
 * Accounts whose scheduled deletion fell due: deleted as `DELETE /me` deletes at once (every row by cascade,
 * `user.deleted` with its erasure, then the files and the goodbye). The purge runs on one instance at a time and
 * deletes each row once, so the account goes once however many instances run.
 */
@Injectable()
export class ScheduledDeletionsRetention implements OnModuleInit {
  constructor(
    private readonly rules: RetentionRules,
    private readonly erasures: Erasures,
    private readonly deletion: AccountDeletionService,
  ) {}

  onModuleInit(): void {
    this.rules.add<UserEntity>({
      name: 'scheduled deletions',
      entity: UserEntity,
      key: 'id',
      deletesAccounts: true,
      remember: ['email', 'locale', 'timezone'],
      conditions: (now) => [{ deleteAt: LessThan(new Date(now)) }],
      deleted: async (ids, tx, rows) => {
        for (const userId of ids) await this.erasures.recordDeletion(userId, tx);
        tx.afterCommit(() => {
          for (const row of rows)
            void this.deletion.afterDeletion(String(row.id), { email: String(row.email), locale: row.locale, timezone: row.timezone }).catch(() => undefined);
        });
      },
    });
  }
}
