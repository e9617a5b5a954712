import { VM_CHANGED_TOPICS } from '@platform/events';
import { createDatabase, createLogger, type Database } from '@platform/kernel';
import { auditLedger, type WalletDatabase } from '@platform/wallet';
import pg from 'pg';
import { CHAOS_TIMINGS } from './platform-processes.ts';

export interface InvariantReport {
  readonly violations: string[];
  /** Figures for the table: events produced/consumed, open sagas, holds. */
  readonly figures: Record<string, number>;
}

/** A saga untouched for this long should have been taken over by the recovery pass and finished. */
const STUCK_AFTER_MS = CHAOS_TIMINGS.sagaStaleMs + 2 * CHAOS_TIMINGS.sagaRecoveryMs + 10 * CHAOS_TIMINGS.buildDelayMs + 10_000;
const SETTLE_TIMEOUT_MS = 300_000;

/**
 * The checks after every fault, read straight from the databases (the load keeps running meanwhile):
 * - the wallet ledger audit passes (journal sums to zero, balances and held amounts match);
 * - every VM event vms wrote is relayed and applied by billing exactly once (processed_events and one
 *   usage observation per event), waiting up to 300 s for delivery to catch up;
 * - no saga is stuck (open and untouched past the recovery window);
 * - no hold is orphaned: a finished saga's hold is released or expired (a funds check, never captured), and
 *   no pending hold belongs to a VM whose saga has finished.
 */
export class InvariantChecker {
  private readonly wallet: Database<WalletDatabase>;
  private readonly vms: pg.Pool;
  private readonly billing: pg.Pool;

  constructor(urls: { wallet: string; vms: string; billing: string }) {
    this.wallet = createDatabase<WalletDatabase>({ url: urls.wallet, logger: createLogger({ part: 'chaos-invariants' }, 'error'), maxConnections: 2 });
    this.vms = quietPool(urls.vms);
    this.billing = quietPool(urls.billing);
  }

  /** Reading may fail on a busy machine (a connect timeout) or right after a restart: retried, then reported. */
  async check(): Promise<InvariantReport> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.checkOnce();
      } catch (error) {
        if (attempt >= 5) return { violations: [`the invariants could not be read: ${error instanceof Error ? error.message : String(error)}`], figures: {} };
        await new Promise((r) => setTimeout(r, 3_000));
      }
    }
  }

  private async checkOnce(): Promise<InvariantReport> {
    const violations: string[] = [];
    const figures: Record<string, number> = {};

    const audit = await auditLedger(this.wallet.db);
    figures.wallets = audit.wallets.length;
    if (!audit.ok)
      violations.push(
        `ledger audit failed: journal total ${audit.journalTotal}, mismatched ${audit.mismatched.join(',')}, below floor ${audit.belowFloor.join(',')}`,
      );

    const events = await this.eventsEndToEnd();
    Object.assign(figures, events.figures);
    violations.push(...events.violations);

    const stuck = await this.vms.query<{ n: string }>(
      `select count(*) as n from provision_sagas where state in ('HOLDING','BUILDING','BUILT','COMPENSATING') and updated_at < now() - make_interval(secs => $1)`,
      [STUCK_AFTER_MS / 1000],
    );
    figures.stuckSagas = Number(stuck.rows[0]?.n ?? 0);
    if (figures.stuckSagas > 0) violations.push(`${figures.stuckSagas} saga(s) stuck for over ${STUCK_AFTER_MS / 1000} s`);
    violations.push(...(await this.orphanedHolds(figures)));
    return { violations, figures };
  }

  /** Waits until billing has applied every VM event vms produced; each must be applied once. */
  private async eventsEndToEnd(): Promise<InvariantReport> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const produced = await this.vms.query<{ id: string }>(`select id from outbox where topic = any($1::text[])`, [VM_CHANGED_TOPICS]);
      const ids = produced.rows.map((r) => r.id);
      const [processed, applied] = await Promise.all([
        this.billing.query<{ n: string }>(`select count(*) as n from processed_events where event_id = any($1::uuid[])`, [ids]),
        this.billing.query<{ n: string }>(`select count(*) as n from vm_observations where source_id = any($1::text[])`, [ids]),
      ]);
      const figures = { eventsProduced: ids.length, eventsProcessed: Number(processed.rows[0]?.n ?? 0), eventsApplied: Number(applied.rows[0]?.n ?? 0) };
      const settled = figures.eventsProcessed === ids.length && figures.eventsApplied === ids.length;
      if (settled) return { violations: [], figures };
      if (Date.now() > deadline) {
        return {
          violations: [
            `events not counted end to end after ${SETTLE_TIMEOUT_MS / 1000} s: vms produced ${ids.length}, billing processed ${figures.eventsProcessed}, applied ${figures.eventsApplied}`,
          ],
          figures,
        };
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  private async orphanedHolds(figures: Record<string, number>): Promise<string[]> {
    const sagas = await this.vms.query<{ vm_id: string; hold_id: string; state: string }>(
      `select vm_id, hold_id, state from provision_sagas where hold_id is not null and state in ('COMPLETED','FAILED')`,
    );
    const holds = await this.wallet.pool.query<{ id: string; status: string; reference: string | null }>(
      `select id, status, reference from holds where reference like 'vm:%'`,
    );
    const holdById = new Map(holds.rows.map((h) => [h.id, h]));
    const finishedVms = new Set(sagas.rows.map((s) => s.vm_id));
    const violations: string[] = [];
    for (const saga of sagas.rows) {
      const status = holdById.get(saga.hold_id)?.status;
      // The hold is a funds check: given back (released, or expired meanwhile) however the saga ended; never captured.
      if (!status || !['RELEASED', 'EXPIRED'].includes(status))
        violations.push(`saga of VM ${saga.vm_id} is ${saga.state} but its hold ${saga.hold_id} is ${status ?? 'missing'}`);
    }
    const pendingOfFinished = holds.rows.filter((h) => h.status === 'PENDING' && finishedVms.has(h.reference!.slice(3)));
    for (const h of pendingOfFinished) violations.push(`hold ${h.id} (${h.reference}) still PENDING after its saga finished`);
    figures.finishedSagas = sagas.rows.length;
    figures.pendingHolds = holds.rows.filter((h) => h.status === 'PENDING').length;
    return violations;
  }

  async close(): Promise<void> {
    await Promise.all([this.wallet.close(), this.vms.end(), this.billing.end()]);
  }
}

/** A pool that survives the PostgreSQL restart fault (idle clients dropping emit 'error'). */
function quietPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 30_000 });
  pool.on('error', () => {});
  return pool;
}
