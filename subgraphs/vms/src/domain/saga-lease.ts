import type { Logger } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { claimSagaLease, releaseSagaLease, renewSagaLease } from '../db/saga-repository.ts';
import type { VmsDatabase } from '../db/types.ts';

/** Heartbeats are at least this far apart, however short the lease (tests run with 0: always expired). */
const MIN_HEARTBEAT_MS = 50;

/**
 * A replica's lease on one saga, renewed every third of its length while the replica drives it.
 * A replica that dies stops renewing, and once the lease has run out another replica's recovery
 * pass claims it and finishes the saga. A replica whose renewal finds the saga taken over (it was
 * paused past the lease) is `lost` and stops before its next step. `confirm()` renews on the spot:
 * the driver calls it right before starting a build, so a build is never started by a replica that
 * no longer holds the saga.
 */
export class SagaLease {
  private heartbeat: NodeJS.Timeout | undefined;
  private lostIt = false;

  private constructor(
    private readonly db: Kysely<VmsDatabase>,
    readonly sagaId: string,
    private readonly owner: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  /** The lease for `owner`, or null when another replica holds a live one (or the saga is over). */
  static async claim(db: Kysely<VmsDatabase>, sagaId: string, owner: string, ttlMs: number, logger: Logger): Promise<SagaLease | null> {
    if (!(await claimSagaLease(db, sagaId, owner, ttlMs))) return null;
    const lease = new SagaLease(db, sagaId, owner, ttlMs, logger);
    lease.heartbeat = setInterval(() => void lease.renew(), Math.max(MIN_HEARTBEAT_MS, ttlMs / 3));
    lease.heartbeat.unref();
    return lease;
  }

  get lost(): boolean {
    return this.lostIt;
  }

  /** Renews now; false (and `lost`) when another replica has taken the saga. */
  async confirm(): Promise<boolean> {
    await this.renew();
    return !this.lostIt;
  }

  /** Stops the heartbeat and frees the saga for any replica. */
  async end(): Promise<void> {
    clearInterval(this.heartbeat);
    if (!this.lostIt) await releaseSagaLease(this.db, this.sagaId, this.owner);
  }

  private async renew(): Promise<void> {
    if (this.lostIt) return;
    try {
      if (!(await renewSagaLease(this.db, this.sagaId, this.owner, this.ttlMs))) {
        this.lostIt = true;
        clearInterval(this.heartbeat);
        this.logger.warn('provisioning saga lease lost to another replica; stopping', { sagaId: this.sagaId });
      }
    } catch (error) {
      // The database did not answer: try again on the next beat; the lease runs out if it never does.
      this.logger.warn('provisioning saga lease not renewed', { sagaId: this.sagaId, error });
    }
  }
}
