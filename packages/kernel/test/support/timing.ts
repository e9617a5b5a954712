import { PeriodicTask, type Logger } from '../../src/index.ts';

/** Resolves once `check` holds; fails the test after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A task that runs now and then every `intervalMs`: quick enough for a test to watch. */
export const frequentTask = (name: string, logger: Logger, run: () => Promise<unknown>, intervalMs = 10): PeriodicTask =>
  new PeriodicTask({ name, intervalMs, firstDelayMs: 0, logger, run });
