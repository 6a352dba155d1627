/** The profile service's events, by subject. Payloads carry ids and facts, never a secret; `eventId` is unique. */
export const ProfileEvents = {
  profileUpdated: 'profile.updated',
  emailChanged: 'profile.email_changed',
  passwordChanged: 'profile.password_changed',
  avatarChanged: 'profile.avatar_changed',
  factorsChanged: 'profile.factors_changed',
  userDeleted: 'user.deleted',
  /** "This wasn't me": every session ended and sign-in refused until an unlock. */
  userLocked: 'user.locked',
  userUnlocked: 'user.unlocked',
  /** A deletion with a grace period: the account goes at `deleteAt` unless its owner cancels. */
  userDeletionScheduled: 'user.deletion_scheduled',
  userDeletionCancelled: 'user.deletion_cancelled',
} as const;

export type ProfileEventName = (typeof ProfileEvents)[keyof typeof ProfileEvents];

interface EventBase {
  /** Unique per event: de-duplicate by it (delivery is at least once). */
  eventId: string;
  userId: string;
  /** ISO 8601, UTC. */
  at: string;
}

export interface ProfileUpdatedEvent extends EventBase {
  /** The names of the fields that changed (`username`, `displayName`, `bio`, `locale`, `timezone`). */
  changed: string[];
}

export interface AvatarChangedEvent extends EventBase {
  avatar: { url: string; sizes: Record<string, string>; updatedAt: string } | null;
}

export interface FactorsChangedEvent extends EventBase {
  /** `totp_added`, `totp_removed`, `passkey_added`, `passkey_removed` or `recovery_codes_regenerated`. */
  change: string;
}

export type EmailChangedEvent = EventBase;
export type PasswordChangedEvent = EventBase;
export interface UserDeletedEvent extends EventBase {
  /** Answer `erasure.confirmed` `{ erasureId, service }` once this service erased the user (consumeProfileEvents' `erasure` option does). */
  erasureId: string;
}
export type UserLockedEvent = EventBase;
export type UserUnlockedEvent = EventBase;
export interface UserDeletionScheduledEvent extends EventBase {
  deleteAt: string;
}
export type UserDeletionCancelledEvent = EventBase;

/** Payload by subject, for `@EventPattern(ProfileEvents.userDeleted)` handlers and durable consumers. */
export interface ProfileEventPayloads {
  'profile.updated': ProfileUpdatedEvent;
  'profile.email_changed': EmailChangedEvent;
  'profile.password_changed': PasswordChangedEvent;
  'profile.avatar_changed': AvatarChangedEvent;
  'profile.factors_changed': FactorsChangedEvent;
  'user.deleted': UserDeletedEvent;
  'user.locked': UserLockedEvent;
  'user.unlocked': UserUnlockedEvent;
  'user.deletion_scheduled': UserDeletionScheduledEvent;
  'user.deletion_cancelled': UserDeletionCancelledEvent;
}
