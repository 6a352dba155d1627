/**
 * Events of account changes: recorded in the change's transaction (the outbox), emitted in process once it
 * committed, and relayed to the broker. Ids and facts, never secrets.
 */
export const AccountEvents = {
  profileUpdated: 'profile.updated',
  emailChanged: 'profile.email_changed',
  passwordChanged: 'profile.password_changed',
  avatarChanged: 'profile.avatar_changed',
  factorsChanged: 'profile.factors_changed',
  userDeleted: 'user.deleted',
  userLocked: 'user.locked',
  userUnlocked: 'user.unlocked',
  userDeletionScheduled: 'user.deletion_scheduled',
  userDeletionCancelled: 'user.deletion_cancelled',
} as const;

export type AccountEventName = (typeof AccountEvents)[keyof typeof AccountEvents];

/** Every event's name, for configuration that picks some (webhook subscriptions). */
export const ACCOUNT_EVENT_NAMES: readonly AccountEventName[] = Object.values(AccountEvents);

/**
 * A change's fields as they were and became (`profile.updated`, `profile.email_changed`), for receivers that
 * ask for them; never a secret. The broker's payload names only the fields (`changed`).
 */
export interface FieldChanges {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export interface ProfileUpdatedEvent {
  userId: string;
  changed: string[];
  at: string;
}

/** `profile.factors_changed`: which change (`totp_added`, `totp_removed`, `passkey_added`, `passkey_removed`, `recovery_codes_regenerated`). */
export interface FactorsChangedEvent {
  userId: string;
  change: string;
  at: string;
}

export interface UserEventPayload {
  userId: string;
  at: string;
}

/** `user.deleted`: services holding the user's data delete it and answer `erasure.confirmed` `{ erasureId, service }`. */
export interface UserDeletedEvent extends UserEventPayload {
  erasureId: string;
}

/** `user.deletion_scheduled`: the account goes at `deleteAt` unless its owner cancels. */
export interface DeletionScheduledEvent extends UserEventPayload {
  deleteAt: string;
}

/** The `profile.updated` payload for a provider linked to or unlinked from the account. */
export function identityProvidersChanged(userId: string): ProfileUpdatedEvent {
  return { userId, changed: ['identityProviders'], at: new Date().toISOString() };
}
