// The README's walk-through, written against a client generated from openapi.json (openapi-typescript types
// and openapi-fetch). Compiled by test/generated-client.e2e-spec.ts under `tsc --strict`, next to the freshly
// generated types; it must need no casts: where it compiles only with one, the document is wrong.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export interface Walk {
  baseUrl: string;
  /** The token of the verification link mailed to an address. */
  verificationToken(email: string): Promise<string>;
}

/** A sign-in of this account (no second factor) answers tokens; the union narrows on `mfaRequired`. */
function tokensOf(
  step: string,
  data: components['schemas']['TokenResponseDto'] | components['schemas']['MfaRequiredDto'],
): components['schemas']['TokenResponseDto'] {
  if ('mfaRequired' in data) throw new Error(`${step}: asked for a second factor`);
  return data;
}

function fail(step: string, response: Response, error: unknown): never {
  throw new Error(`${step}: ${response.status} ${JSON.stringify(error)}`);
}

export async function walkThrough({ baseUrl, verificationToken }: Walk): Promise<string[]> {
  const api = createClient<paths>({ baseUrl });
  const steps: string[] = [];
  const email = `walk-${Date.now()}@example.com`;
  const password = 'c0rrect-Horse-battery';

  const registered = await api.POST('/api/auth/register', { body: { email, password, username: 'Walker' } });
  if (!registered.data) fail('register', registered.response, registered.error);
  steps.push(`registered: ${registered.data.success}`);

  const verified = await api.POST('/api/auth/email/verify', { body: { token: await verificationToken(email) } });
  if (!verified.data) fail('verify', verified.response, verified.error);
  steps.push(`verified: ${verified.data.emailVerified}, username ${verified.data.username ?? 'none'}`);

  const login = await api.POST('/api/auth/login', { body: { email, password } });
  if (!login.data) fail('login', login.response, login.error);
  const session = tokensOf('login', login.data);
  const signedIn = { Authorization: `${session.tokenType} ${session.accessToken}` };
  steps.push(`signed in for ${session.expiresIn} s`);

  const me = await api.GET('/api/auth/users/me', { headers: signedIn });
  if (!me.data) fail('me', me.response, me.error);
  steps.push(`me: ${me.data.email}, avatar ${me.data.avatar === null ? 'none' : me.data.avatar.url}, pending ${me.data.pendingEmail?.email ?? 'none'}`);

  const updated = await api.PUT('/api/auth/users/me', { headers: signedIn, body: { displayName: 'Ada Walker', locale: 'en-GB', timezone: 'Europe/London' } });
  if (!updated.data) fail('update', updated.response, updated.error);
  steps.push(`updated: ${updated.data.displayName ?? ''}, ${updated.data.locale}`);

  const refused = await api.PUT('/api/auth/users/me', { headers: signedIn, body: { username: 'x' } });
  if (!refused.error) throw new Error('a one-letter username was accepted');
  steps.push(`refused: ${refused.error.code} ${Object.keys(refused.error.details?.fields ?? {}).join(',')}`);

  const events = await api.GET('/api/auth/users/me/security-events', { headers: signedIn, params: { query: { limit: 10 } } });
  if (!events.data) fail('events', events.response, events.error);
  steps.push(`events: ${events.data.items.map((event) => event.type).join(',')}`);

  const sessions = await api.GET('/api/auth/users/me/sessions', { headers: signedIn });
  if (!sessions.data) fail('sessions', sessions.response, sessions.error);
  steps.push(`sessions: ${sessions.data.filter((session) => session.current).length} current`);

  const stepUp = await api.POST('/api/auth/step-up', { headers: signedIn, body: { password } });
  if (!stepUp.data) fail('step-up', stepUp.response, stepUp.error);
  const sensitive = { ...signedIn, 'X-Step-Up-Token': stepUp.data.stepUpToken };

  const exported = await api.GET('/api/auth/users/me/export', { headers: sensitive });
  if (!exported.data) fail('export', exported.response, exported.error);
  steps.push('exported');

  const change = await api.PUT('/api/auth/users/me/email', { headers: sensitive, body: { email: `moved-${email}` } });
  if (!change.data) fail('email change', change.response, change.error);
  // Two answers, told apart by the constant: 202 with the pending address, 200 with the profile.
  if (change.data.verificationRequired) steps.push(`email pending: ${change.data.pendingEmail.email}`);
  else steps.push(`email changed: ${change.data.user.email}`);

  const weak = await api.PUT('/api/auth/users/me/password', { headers: sensitive, body: { newPassword: 'password' } });
  if (!weak.error) throw new Error('a weak password was accepted');
  steps.push(`weak password: ${weak.error.code} ${(weak.error.details?.reasons ?? []).join(',')}`);

  const refreshed = await api.POST('/api/auth/refresh', { body: { refreshToken: session.refreshToken } });
  if (!refreshed.data) fail('refresh', refreshed.response, refreshed.error);
  const reused = await api.POST('/api/auth/refresh', { body: { refreshToken: session.refreshToken } });
  if (!reused.error) throw new Error('a rotated refresh token was accepted');
  steps.push(`refresh reuse: ${reused.error.code}`);

  const second = await api.POST('/api/auth/login', { body: { email, password } });
  if (!second.data) fail('second login', second.response, second.error);
  const other = { Authorization: `Bearer ${tokensOf('second login', second.data).accessToken}` };
  const loggedOut = await api.POST('/api/auth/logout', { headers: other });
  steps.push(`logged out: ${loggedOut.response.status}`);

  const stepUpAgain = await api.POST('/api/auth/step-up', { headers: other, body: { password } });
  if (!stepUpAgain.error) throw new Error('a signed-out session stepped up');
  steps.push(`after logout: ${stepUpAgain.error.code}`);

  const third = await api.POST('/api/auth/login', { body: { email, password } });
  if (!third.data) fail('third login', third.response, third.error);
  const last = { Authorization: `Bearer ${tokensOf('third login', third.data).accessToken}` };
  const lastStepUp = await api.POST('/api/auth/step-up', { headers: last, body: { password } });
  if (!lastStepUp.data) fail('last step-up', lastStepUp.response, lastStepUp.error);
  const deleted = await api.DELETE('/api/auth/users/me', { headers: { ...last, 'X-Step-Up-Token': lastStepUp.data.stepUpToken } });
  if (!deleted.response.ok) fail('delete', deleted.response, deleted.error);
  const gone = await api.GET('/api/auth/users/me', { headers: last });
  if (!gone.error) throw new Error('a deleted account still answered');
  steps.push(`deleted: ${gone.error.code}`);
  return steps;
}
