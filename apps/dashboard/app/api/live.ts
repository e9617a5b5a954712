import { createClient, type Client } from 'graphql-ws';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { TypedDocumentString } from '../__generated__/graphql';
import { apiErrorOf } from './errors';
import { GRAPHQL_PATH } from './graphql-http';
import { accessToken, currentSession, subscribeSession } from './session';

/** What the header shows: subscriptions connected, (re)connecting, or not in use. */
export type LiveStatus = 'idle' | 'connecting' | 'live' | 'reconnecting';

let status: LiveStatus = 'idle';
let everConnected = false;
const listeners = new Set<() => void>();
const setStatus = (next: LiveStatus) => {
  status = next;
  for (const listener of listeners) listener();
};

let client: Client | undefined;
/** Subscriptions open now: with none, a closed socket is graphql-ws being lazy, not a lost feed. */
let active = 0;

/** One graphql-ws connection for the tab, to the gateway's /graphql; it reconnects for ever (with backoff) and says so. */
function liveClient(): Client {
  client ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${GRAPHQL_PATH}`,
    // Asked on every (re)connect, so a reconnect carries the current (refreshed) token.
    connectionParams: async () => {
      const token = await accessToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    lazy: true,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** retries, 15_000))),
    on: {
      connecting: () => setStatus(everConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        everConnected = true;
        setStatus('live');
      },
      closed: () => setStatus(active === 0 ? 'idle' : everConnected ? 'reconnecting' : 'connecting'),
    },
  });
  return client;
}

/** After sign-out the socket (and its token) goes. */
export async function closeLive(): Promise<void> {
  const c = client;
  client = undefined;
  everConnected = false;
  await c?.dispose();
  setStatus('idle');
}

// A socket speaks for the organisation its token named when it connected: on a switch (or sign-out) it
// goes, before the pages re-render and subscribe again (this listener is registered before any component's).
let socketOrganization = currentSession()?.organization?.id;
subscribeSession(() => {
  const organization = currentSession()?.organization?.id;
  if (organization === socketOrganization) return;
  socketOrganization = organization;
  void closeLive();
});

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => status,
  );
}

/** Subscribes while mounted (and variables unchanged); each event goes to the latest `onData`. */
export function useSubscription<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V | null,
  onData: (data: R) => void,
  onError?: (message: string) => void,
) {
  const handler = useRef(onData);
  handler.current = onData;
  const errorHandler = useRef(onError);
  errorHandler.current = onError;
  const key = variables === null ? null : JSON.stringify(variables);
  useEffect(() => {
    if (key === null) return;
    active++;
    const unsubscribe = liveClient().subscribe<R>(
      { query: document.toString(), variables: JSON.parse(key) as Record<string, unknown> },
      {
        next: (result) => {
          if (result.errors?.length) errorHandler.current?.(apiErrorOf(result.errors).message);
          else if (result.data) handler.current(result.data);
        },
        error: (error) => errorHandler.current?.(Array.isArray(error) ? apiErrorOf(error).message : 'The live feed failed.'),
        complete: () => undefined,
      },
    );
    return () => {
      active--;
      unsubscribe();
    };
  }, [document, key]);
}
