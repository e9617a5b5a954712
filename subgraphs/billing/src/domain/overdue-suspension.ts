import { eventMoney, writeOutbox } from '@platform/events';
import { inTransaction, type Logger } from '@platform/kernel';
import {
  hasSuspendedUnpaid,
  lockOrganizationBills,
  lockOverdueBill,
  markSuspended,
  markSuspensionLifted,
  organizationsToLift,
  overdueBills,
} from '../db/bill-repository.ts';
import type { BillingDb } from '../db/types.ts';
import { invoiceNumberText } from './bill.ts';
import type { Clock } from './clock.ts';
import type { SuspensionPort } from './ports.ts';

const DAY_MS = 86_400_000;

/** The reason tenancy records (at most 200 characters): the first few invoices paid. */
const liftReason = (invoices: readonly bigint[]) =>
  `Overdue ${invoices.slice(0, 3).map(invoiceNumberText).join(', ')}${invoices.length > 3 ? ` and ${invoices.length - 3} more` : ''} paid`;
const BATCH = 500;

/**
 * The overdue policy (BILLING_SUSPEND_AFTER_DAYS): an organisation whose bill has been UNPAID for N days
 * or more is suspended through tenancy, once per bill (bills.suspended_at), with a
 * billing.bill.organization_suspended event. N = 0 turns the policy off. Once every bill it was
 * suspended for is paid, the suspension is lifted (`lift`), unless a person suspended it meanwhile.
 *
 * Suspending and lifting take the organisation's bills lock (lockOrganizationBills) first, so they never
 * interleave: a lift sees every suspension committed before it, and a suspension after a lift still
 * finds its bill UNPAID only if it really is (markPaid waits for the bill row the suspension locks).
 */
export class OverdueSuspension {
  constructor(
    private readonly db: BillingDb,
    private readonly tenancy: SuspensionPort,
    private readonly afterDays: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** One pass: the number of bills whose organisation this pass suspended. */
  async run(): Promise<number> {
    if (this.afterDays === 0) return 0;
    const now = this.clock();
    const cutoff = new Date(now.getTime() - this.afterDays * DAY_MS);
    let suspended = 0;
    for (const candidate of await overdueBills(this.db, cutoff, BATCH)) {
      try {
        // The bill stays locked while tenancy is asked: a payment recorded meanwhile waits, and a
        // concurrent pass finds it already suspended. Tenancy's suspension is idempotent, so a commit
        // lost after tenancy answered is simply repeated on the next pass.
        const done = await inTransaction(this.db, async (trx) => {
          await lockOrganizationBills(trx, candidate.organizationId);
          const bill = await lockOverdueBill(trx, candidate.id, cutoff);
          if (!bill) return false;
          const invoiceNumber = invoiceNumberText(bill.invoiceNumber);
          await this.tenancy.suspend(bill.organizationId, `Invoice ${invoiceNumber} unpaid for ${this.afterDays} days or more`);
          await markSuspended(trx, bill.id, now);
          await writeOutbox(trx, 'billing.bill.organization_suspended', {
            billId: bill.id,
            organizationId: bill.organizationId,
            invoiceNumber,
            total: eventMoney(bill.totalMinor, bill.currency),
            unpaidSince: bill.unpaidSince!.toISOString(),
            suspendedAt: now.toISOString(),
            afterDays: this.afterDays,
          });
          return true;
        });
        if (done) suspended += 1;
      } catch (error) {
        this.logger.warn('suspending an organisation for an overdue bill failed; will retry', { billId: candidate.id, error });
      }
    }
    return suspended;
  }

  /**
   * One pass: lifts the suspension of each organisation whose suspended bills are all paid now. Returns how
   * many tenancy resumed. Tenancy is asked inside the transaction, as for a suspension; a failure leaves the
   * bills unmarked for the next pass (resuming twice changes nothing).
   */
  async lift(): Promise<number> {
    let resumed = 0;
    for (const organizationId of await organizationsToLift(this.db, BATCH)) {
      try {
        const done = await inTransaction(this.db, async (trx) => {
          await lockOrganizationBills(trx, organizationId);
          // Still owing a bill it was suspended for: stays suspended until that one is paid too.
          if (await hasSuspendedUnpaid(trx, organizationId)) return false;
          const invoices = await markSuspensionLifted(trx, organizationId, this.clock());
          if (invoices.length === 0) return false;
          return this.tenancy.resume(organizationId, liftReason(invoices));
        });
        if (done) resumed += 1;
      } catch (error) {
        this.logger.warn('lifting an overdue suspension failed; will retry', { organizationId, error });
      }
    }
    return resumed;
  }
}
