import type { Logger } from '@platform/kernel';
import type { Ledger } from './ledger.ts';

/** Expires due holds every `intervalMs`, so funds of an abandoned hold come back without anyone asking. */
export class HoldSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly ledger: Ledger,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.ledger
        .expireHolds()
        .then((expired) => {
          if (expired > 0) this.logger.info('holds expired', { expired });
        })
        .catch((error) => this.logger.warn('hold sweep failed; will retry', { error }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
