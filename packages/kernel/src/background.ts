import { AsyncLocalStorage } from 'node:async_hooks';

const background = new AsyncLocalStorage<true>();

/**
 * Marks work that a request started but that goes on after it (a provisioning saga's build), so
 * per-request statement counts (`DatabaseOptions.onQuery`) leave it out. Work that no request
 * causes at all (outbox relays, sweepers) uses `Database.background` instead, which costs nothing;
 * this costs Node's promise hooks while any such work runs.
 */
export const runInBackground = <T>(work: () => Promise<T>): Promise<T> => background.run(true, work);

export const inBackground = (): boolean => background.getStore() === true;
