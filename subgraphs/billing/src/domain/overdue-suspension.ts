import { eventMoney, writeOutbox } from '@platform/events';
import { inTransaction, type Logger } from '@platform/kernel';
import { lockOverdueBill, markSuspended, overdueBills } from '../db/bill-repository.ts';
import type { BillingDb } from '../db/types.ts';
import { invoiceNumberText } from './bill.ts';
import type { Clock } from './clock.ts';
import type { SuspensionPort } from './ports.ts';

const DAY_MS = 86_400_000;
const BATCH = 500;

/**
 * The overdue policy (BILLING_SUSPEND_AFTER_DAYS): an organisation whose bill has been UNPAID for N days
 * or more is suspended through tenancy, once per bill (bills.suspended_at), with a
 * billing.bill.organization_suspended event. N = 0 turns the policy off.
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
}
