import { Inject, Injectable } from '@nestjs/common';
import { authConfig } from '#src/config/auth.config';
import type { Settings } from '#src/config/settings-token';
import { TransactionRunner } from '#src/database/transaction-runner';
import { AccountEvents, type ProfileUpdatedEvent } from '#src/events/account-events';
import { Outbox } from '#src/events/outbox';
import { type RequestOrigin, SecurityEventsRepository } from '#src/users/security-events.repository';
import { localeChange } from '#src/users/locale-change';
import type { UserEntity } from '#src/users/user.entity';
import { UsernamePolicy } from '#src/users/username-policy';
import { type ProfileChanges, UsersRepository } from '#src/users/users.repository';
import type { UpdateProfileDto } from './dto/update-profile.dto';

const EDITABLE = ['username', 'displayName', 'bio', 'locale', 'timezone'] as const;

/** Reading and editing the profile fields. */
@Injectable()
export class ProfileService {
  constructor(
    private readonly database: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly usernames: UsernamePolicy,
    private readonly securityEvents: SecurityEventsRepository,
    private readonly outbox: Outbox,
    @Inject(authConfig.KEY) private readonly config: Settings<typeof authConfig>,
  ) {}

  /**
   * Applies the fields that differ, with its security event and account event in one transaction; the
   * database's unique index settles concurrent username claims.
   */
  async updateProfile(user: UserEntity, dto: UpdateProfileDto, origin: RequestOrigin): Promise<UserEntity> {
    const changes: ProfileChanges = {};
    for (const field of EDITABLE) {
      const value = dto[field];
      if (value !== undefined && value !== user[field]) Object.assign(changes, { [field]: value });
    }
    const changed = Object.keys(changes);
    if (changed.length === 0) return user;
    await this.usernames.assertAvailable(changes.username, false);
    return this.usernames.claim(() =>
      this.database.run(async (tx) => {
        const remembered = changes.locale === undefined ? {} : localeChange(user, changes.locale, new Date(), this.config.lockLookback);
        const updated = await this.users.updateProfile(user.id, { ...changes, ...remembered }, tx);
        await this.securityEvents.record({ userId: user.id, type: 'profile_updated', origin }, tx);
        const before = Object.fromEntries(changed.map((field) => [field, user[field as keyof ProfileChanges]]));
        await this.outbox.record(
          tx,
          AccountEvents.profileUpdated,
          { userId: user.id, changed, at: updated.updatedAt.toISOString() } satisfies ProfileUpdatedEvent,
          { before, after: { ...changes } },
        );
        return updated;
      }),
    );
  }
}
