import { AppError } from '#src/common/errors/app-error';
import type { UserEntity } from './user.entity';

export function accountLocked(): AppError {
  return new AppError('ACCOUNT_LOCKED', 'This account is locked. Unlock it with the link mailed to its address, or reset the password.');
}

/** 403 ACCOUNT_LOCKED for a locked account: every way of signing in asks this once it knows whose account it is. */
export function assertNotLocked(user: Pick<UserEntity, 'lockedAt'>): void {
  if (user.lockedAt) throw accountLocked();
}
