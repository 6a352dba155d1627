import type { FastifyRequest } from 'fastify';
import type { LinkedIdentity } from '#src/users/user-identity.entity';
import type { UserEntity } from '#src/users/user.entity';
import type { StepUpClaims } from '../tokens/token.service';

/** What authentication established about the request, put on it once by AccessGuard. */
export interface AuthContext {
  userId: string;
  sessionId: string;
  /** The user row, loaded with the session check in the same query. */
  user: UserEntity;
  /** The user's linked provider identities, from the same query. */
  identities: LinkedIdentity[];
  /** A valid step-up token of the same user and session, or null. */
  stepUp: StepUpClaims | null;
}

export type AuthenticatedRequest = FastifyRequest & { auth?: AuthContext };
