import type { UserEntity } from '#src/users/user.entity';

/** What a sign-in or refresh hands back: both tokens, their lifetimes, and the user. */
export interface SessionTokens {
  accessToken: string;
  accessTtl: number;
  refreshToken: string;
  refreshTtl: number;
  sessionId: string;
  user: UserEntity;
}
