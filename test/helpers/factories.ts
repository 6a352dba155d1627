import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import type { TestApp } from './test-app';

/** Meets every default rule of the password policy. */
export const STRONG_PASSWORD = 'Vq8#mZt!rW2p quiet lantern';
export const OTHER_STRONG_PASSWORD = 'Lk4$hNw9@xYe amber harbour';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@Example.COM`;
}

export function uniqueUsername(prefix = 'u'): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export interface SignedIn {
  email: string;
  password: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
  cookies: string[];
}

export async function registerUser(t: TestApp, overrides: Record<string, unknown> = {}): Promise<{ email: string; password: string }> {
  const body = { email: uniqueEmail(), password: STRONG_PASSWORD, ...overrides };
  const response = await t.http.post('/api/auth/register').send(body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { email: body.email, password: body.password };
}

export async function login(t: TestApp, email: string, password: string): Promise<SignedIn> {
  const response = await t.http.post('/api/auth/login').send({ email, password });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return {
    email,
    password,
    userId: response.body.user.id,
    accessToken: response.body.accessToken,
    refreshToken: response.body.refreshToken,
    cookies: setCookies(response.headers),
  };
}

export async function registerAndLogin(t: TestApp, overrides: Record<string, unknown> = {}): Promise<SignedIn> {
  const { email, password } = await registerUser(t, overrides);
  return login(t, email, password);
}

export async function stepUp(t: TestApp, user: SignedIn): Promise<string> {
  const response = await t.http.post('/api/auth/step-up').set('Authorization', `Bearer ${user.accessToken}`).send({ password: user.password });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.stepUpToken;
}

export function setCookies(headers: Record<string, unknown>): string[] {
  const value = headers['set-cookie'];
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

export function cookieNamed(cookies: string[], name: string): string | undefined {
  return cookies.find((cookie) => cookie.startsWith(`${name}=`));
}

/** Asserts the contract's error shape and code. */
export function assertError(response: { status: number; body: Record<string, unknown>; headers: Record<string, unknown> }, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.code, code, JSON.stringify(response.body));
  assert.equal(response.body.statusCode, status);
  assert.equal(typeof response.body.message, 'string');
  assert.equal(response.body.requestId, response.headers['x-request-id']);
  for (const key of Object.keys(response.body)) assert.ok(['statusCode', 'code', 'message', 'details', 'requestId'].includes(key), `unexpected key ${key}`);
}
