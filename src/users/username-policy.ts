import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error';
import { authConfig } from '#src/config/auth.config';
import type { Settings } from '#src/config/settings-token';
import { UniqueViolation, UsersRepository } from './users.repository';

/**
 * Who may have a username: not a reserved one (RESERVED_USERNAMES), not one another account has. The unique
 * index is the final word when two accounts claim one name at once: claim() turns its refusal into the same
 * USERNAME_TAKEN.
 */
@Injectable()
export class UsernamePolicy {
  private readonly reserved: ReadonlySet<string>;

  constructor(
    private readonly users: UsersRepository,
    @Inject(authConfig.KEY) config: Settings<typeof authConfig>,
  ) {
    this.reserved = new Set(config.reservedUsernames);
  }

  /** Throws USERNAME_TAKEN for a reserved name, or (with `checkTaken`) one another account has. */
  async assertAvailable(username: string | null | undefined, checkTaken = true): Promise<void> {
    if (!username) return;
    if (this.reserved.has(username) || (checkTaken && (await this.users.isUsernameTaken(username)))) throw usernameTaken();
  }

  /** Runs a write that may set a username; a unique-index refusal on the username becomes USERNAME_TAKEN. */
  async claim<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof UniqueViolation && error.field === 'username') throw usernameTaken();
      throw error;
    }
  }
}

function usernameTaken(): AppError {
  return new AppError('USERNAME_TAKEN', 'This username is not available.');
}
