import type { Logger } from './logger.ts';

export interface Stoppable {
  stop(): Promise<void>;
}

/** Stops `service` on SIGTERM/SIGINT (once), then exits. A second signal exits at once. */
export function stopOnSignals(service: Stoppable, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info('stopping', { signal });
    service.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error('stop failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
