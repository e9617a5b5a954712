import type { Logger } from './logger.ts';
import { stopTracing } from './observability/tracing.ts';

export interface Stoppable {
  stop(): Promise<void>;
}

/** Signals closer together than this are one Ctrl-C (a terminal signals the whole group, and npm and tsx relay it). */
const SAME_SIGNAL_MS = 1_000;

/**
 * Stops `service` on SIGTERM/SIGINT, then exits. A later, separate signal exits at once.
 */
export function stopOnSignals(service: Stoppable, logger: Logger): void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt > SAME_SIGNAL_MS) process.exit(1);
      return;
    }
    firstAt = Date.now();
    logger.info('stopping', { signal });
    service
      .stop()
      .then(() => stopTracing()) // the last spans are exported before the process ends
      .then(
        () => process.exit(0),
        (error) => {
          logger.error('stop failed', { error });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
