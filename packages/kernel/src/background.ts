import { AsyncLocalStorage } from 'node:async_hooks';

const background = new AsyncLocalStorage<true>();

/**
 * Marks work that no request caused (outbox relays, sweepers), so per-request statement counts
 * (`DatabaseOptions.onQuery`) leave it out.
 */
export const runInBackground = <T>(work: () => Promise<T>): Promise<T> => background.run(true, work);

export const inBackground = (): boolean => background.getStore() === true;
