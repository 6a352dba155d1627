import { ERROR_STATUS, type ErrorCode } from '#src/common/errors/error-codes';

/** The message each code answers with (the first of its messages where there are several), for the examples. */
const EXAMPLE_MESSAGE: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'The request is not valid.',
  MALFORMED_JSON: 'The request body is not valid JSON.',
  EMAIL_TOKEN_INVALID: 'This link is not valid any more. Request a new one.',
  AUTHENTICATION_REQUIRED: 'An access token is required.',
  ACCESS_TOKEN_INVALID: 'The access token is not valid.',
  ACCESS_TOKEN_EXPIRED: 'The access token has expired.',
  SESSION_REVOKED: 'This session has ended; sign in again.',
  STEP_UP_REQUIRED: 'This operation needs a fresh re-authentication (step-up token).',
  INVALID_CREDENTIALS: 'The email or password is not correct.',
  REFRESH_TOKEN_INVALID: 'The refresh token is not valid.',
  REFRESH_TOKEN_REUSED: 'This refresh token was already used; the session has been ended.',
  MFA_TOKEN_INVALID: 'This sign-in has expired or was already completed. Sign in again.',
  SECOND_FACTOR_REQUIRED: 'This account uses two-step sign-in: confirm with your second factor.',
  CROSS_SITE_REQUEST: 'This request comes from another site and carries session cookies; it was refused.',
  ACCOUNT_LOCKED: 'This account is locked. Unlock it with the link mailed to its address, or reset the password.',
  NOT_FOUND: 'Not found.',
  METHOD_NOT_ALLOWED: 'Method not allowed.',
  USERNAME_TAKEN: 'This username is not available.',
  EMAIL_TAKEN: 'This email address belongs to another account.',
  NO_PASSWORD: 'This account has no password; step up through a linked identity provider.',
  LAST_LOGIN_METHOD: 'This is your only way to sign in. Set a password or link another provider first.',
  PROVIDER_ALREADY_LINKED: 'This provider is already linked to your account; unlink it first to link another identity.',
  PROVIDER_NOT_LINKED: 'This provider is not linked to your account, so it cannot confirm who you are.',
  IDENTITY_IN_USE: 'This identity already belongs to another account.',
  FACTOR_EXISTS: 'Two-step sign-in with an authenticator app is already on. Remove it first to set up a new one.',
  NO_SECOND_FACTOR: 'Recovery codes need a second factor; set one up first.',
  NO_PASSKEY: 'This account has no passkey; use a code instead.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'This route takes a JSON body (application/json).',
  PASSWORD_POLICY_VIOLATION: 'The password does not meet the password policy.',
  EMAIL_UNCHANGED: 'This is already the address of your account.',
  INVALID_IMAGE: 'The image cannot be decoded.',
  INVALID_CODE: 'The code is not correct. Check the time on your device and try the current code.',
  INVALID_CREDENTIAL: 'The passkey could not be verified. Start again from the options.',
  TOO_MANY_REQUESTS: 'Too many requests; try again later.',
  INTERNAL_ERROR: 'Something went wrong on our side.',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable.',
  MAIL_UNAVAILABLE: 'Mail cannot be sent right now; nothing was changed. Try again later.',
};

/** Details a code's answer carries, for its example. */
const EXAMPLE_DETAILS: Partial<Record<ErrorCode, Record<string, unknown>>> = {
  VALIDATION_FAILED: { fields: { email: ['email must be a valid email address'] } },
  PASSWORD_POLICY_VIOLATION: { reasons: ['too_short', 'missing_special'] },
  SECOND_FACTOR_REQUIRED: { methods: ['passkey', 'totp', 'recovery_code'] },
};

/** What a code's answer means beyond its name, in the response's description. */
const NOTE: Partial<Record<ErrorCode, string>> = {
  STEP_UP_REQUIRED: 'with `WWW-Authenticate: Bearer error="insufficient_user_authentication"`: send a step-up token of this user and session',
  TOO_MANY_REQUESTS: 'with `Retry-After`',
  SERVICE_UNAVAILABLE: 'a dependency (database, storage, identity provider) is unreachable; with `Retry-After`',
  MAIL_UNAVAILABLE: 'nothing was changed; repeat the request later',
  CROSS_SITE_REQUEST: 'a state-changing request from another site that carries the session cookies',
  ACCOUNT_LOCKED: 'the account was locked by “this wasn’t me”; the unlock link mailed to its address, or a password reset, ends it',
};

export interface OperationFacts {
  method: string;
  ownCodes: ErrorCode[];
  authenticated: boolean;
  stepUp: boolean;
}

/** Every code an operation can answer: its own, and those of the layers every request of its kind passes. */
export function operationErrorCodes(facts: OperationFacts): ErrorCode[] {
  const codes = new Set<ErrorCode>(facts.ownCodes);
  if (facts.method !== 'get') {
    // Any body on a state-changing route meets the strict JSON parser and the cross-site check first.
    for (const code of ['VALIDATION_FAILED', 'MALFORMED_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'CROSS_SITE_REQUEST'] as const) codes.add(code);
  }
  if (facts.authenticated) {
    for (const code of ['AUTHENTICATION_REQUIRED', 'ACCESS_TOKEN_INVALID', 'ACCESS_TOKEN_EXPIRED', 'SESSION_REVOKED'] as const) codes.add(code);
  }
  if (facts.stepUp) codes.add('STEP_UP_REQUIRED');
  // Every route reads the database or another dependency.
  codes.add('SERVICE_UNAVAILABLE');
  return [...codes];
}

const ERROR_BODY_REF = '#/components/schemas/ErrorBodyDto';

/** The responses of a list of codes, one per status, each naming its codes and showing each one's answer. */
export function errorResponses(codes: ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const responses: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: list.map((code) => (NOTE[code] ? `\`${code}\` (${NOTE[code]})` : `\`${code}\``)).join(', '),
      content: {
        'application/json': {
          schema: {
            allOf: [{ $ref: ERROR_BODY_REF }, { type: 'object', properties: { statusCode: { const: status }, code: { enum: list } } }],
          },
          examples: Object.fromEntries(
            list.map((code) => [
              code,
              {
                summary: code,
                value: {
                  statusCode: status,
                  code,
                  message: EXAMPLE_MESSAGE[code],
                  ...(EXAMPLE_DETAILS[code] ? { details: EXAMPLE_DETAILS[code] } : {}),
                  requestId: '5f0c6c1e-1f7a-4c8e-9d51-3a0e8f2b7c44',
                },
              },
            ]),
          ),
        },
      },
    };
  }
  return responses;
}
