import { useSyncExternalStore } from 'react';
import type { SessionFieldsFragment } from '../__generated__/graphql';
import { ApiError } from './errors';
import { postGraphQL } from './graphql-http';
import { LOG_IN, LOG_OUT, REFRESH_SESSION } from './session-operations';

export type Session = SessionFieldsFragment;

/**
 * The signed-in session. Kept in sessionStorage: it survives a reload but belongs to one tab, so two
 * tabs never hold (and rotate) the same refresh token.
 */
const STORAGE_KEY = 'dashboard.session';
/** Refresh this long before the access token expires, so requests never carry an expired one. */
const REFRESH_AHEAD_MS = 60_000;

let current: Session | null = load();
let signedOutReason: string | null = null;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;
/** The refresh in flight: identity revokes the whole token family when a rotated refresh token is reused, so there is never more than one. */
let inFlight: Promise<Session | null> | null = null;

function load(): Session | null {
  try {
    const text = sessionStorage.getItem(STORAGE_KEY);
    return text ? (JSON.parse(text) as Session) : null;
  } catch {
    return null;
  }
}

function set(session: Session | null, reason: string | null = null) {
  current = session;
  signedOutReason = reason;
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
  schedule();
  for (const listener of listeners) listener();
}

const expiresIn = (session: Session) => Date.parse(session.expiresAt) - Date.now();

function schedule() {
  clearTimeout(timer);
  if (!current) return;
  const delay = Math.max(0, expiresIn(current) - REFRESH_AHEAD_MS);
  timer = setTimeout(() => void refreshSession().catch(() => undefined), delay);
}
schedule();

export async function logIn(email: string, password: string): Promise<Session> {
  const session = (await postGraphQL(LOG_IN, { email, password })).data.logIn;
  set(session);
  return session;
}

export async function logOut(): Promise<void> {
  const session = current;
  set(null);
  if (session) await postGraphQL(LOG_OUT, { refreshToken: session.refreshToken }, session.accessToken).catch(() => undefined);
}

/**
 * Rotates the refresh token (optionally into another organisation: the org switcher). Calls queue
 * behind the one in flight; a plain refresh joins it instead of rotating twice.
 */
export function refreshSession(organizationId?: string): Promise<Session | null> {
  if (inFlight && organizationId === undefined) return inFlight;
  const previous = inFlight ?? Promise.resolve(null);
  const next = previous
    .catch(() => null)
    .then(() => rotate(organizationId))
    .finally(() => {
      if (inFlight === next) inFlight = null;
    });
  inFlight = next;
  return next;
}

async function rotate(organizationId?: string): Promise<Session | null> {
  const session = current;
  if (!session) return null;
  try {
    const fresh = (
      await postGraphQL(REFRESH_SESSION, {
        refreshToken: session.refreshToken,
        organizationId: organizationId ?? session.organization?.id ?? null,
      })
    ).data.refreshSession;
    set(fresh);
    return fresh;
  } catch (error) {
    // A refused refresh token (expired, revoked) ends the session; a network failure keeps it and retries.
    if (error instanceof ApiError && error.code !== 'NETWORK_ERROR' && !error.code.startsWith('HTTP_5')) {
      set(null, `Your session ended (${error.code}): ${error.message}`);
    } else {
      clearTimeout(timer);
      timer = setTimeout(() => void refreshSession().catch(() => undefined), 5_000);
    }
    throw error;
  }
}

/** A current access token, refreshed first when it is about to expire; null when signed out. */
export async function accessToken(): Promise<string | null> {
  if (!current) return null;
  if (expiresIn(current) < REFRESH_AHEAD_MS / 2) await refreshSession();
  return current?.accessToken ?? null;
}

export function currentSession(): Session | null {
  return current;
}

/** Called after every change of session (sign-in, refresh, organisation switch, sign-out). */
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): { session: Session | null; signedOutReason: string | null } {
  const session = useSyncExternalStore(subscribeSession, () => current);
  return { session, signedOutReason };
}
