import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppError } from '../common/errors/app-error';
import { authConfig } from '../config/auth.config';
import { type RequestOrigin, SecurityEventsService } from '../users/security-events.service';
import type { UserEntity } from '../users/user.entity';
import { type ProfileChanges, UniqueViolation, UsersService } from '../users/users.service';
import type { UpdateProfileDto } from './dto/update-profile.dto';
import { AccountEvents, type ProfileUpdatedEvent } from '../users/account-events';

const EDITABLE = ['username', 'displayName', 'bio', 'locale', 'timezone'] as const;

/** Reading and editing the profile fields. */
@Injectable()
export class ProfileService {
  private readonly reserved: ReadonlySet<string>;

  constructor(
    private readonly users: UsersService,
    private readonly securityEvents: SecurityEventsService,
    private readonly events: EventEmitter2,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
  ) {
    this.reserved = new Set(config.reservedUsernames);
  }

  /** Applies the fields that differ; the database's unique index settles concurrent username claims. */
  async updateProfile(user: UserEntity, dto: UpdateProfileDto, origin: RequestOrigin): Promise<UserEntity> {
    const changes: ProfileChanges = {};
    for (const field of EDITABLE) {
      const value = dto[field];
      if (value !== undefined && value !== user[field]) Object.assign(changes, { [field]: value });
    }
    const changed = Object.keys(changes);
    if (changed.length === 0) return user;
    if (changes.username && this.reserved.has(changes.username)) throw usernameTaken();
    let updated: UserEntity;
    try {
      updated = await this.users.updateProfile(user.id, changes);
    } catch (error) {
      if (error instanceof UniqueViolation) throw usernameTaken();
      throw error;
    }
    await this.securityEvents.record(user.id, 'profile_updated', origin);
    this.events.emit(AccountEvents.profileUpdated, { userId: user.id, changed, at: updated.updatedAt.toISOString() } satisfies ProfileUpdatedEvent);
    return updated;
  }
}

function usernameTaken(): AppError {
  return new AppError('USERNAME_TAKEN', 'This username is not available.');
}
