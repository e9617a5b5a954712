import { eventMoney, writeOutbox } from '@platform/events';
import { inTransaction, newId, type Logger } from '@platform/kernel';
import {
  allLinesOf,
  billedOrganizations,
  billPages,
  billsByIds,
  findBillOf,
  insertBill,
  linePages,
  lockInvoiceCounter,
  markPaid,
  markUnpaid,
  revenueByOrganization,
  setInvoiceCounter,
  unsettledBills,
} from '../db/bill-repository.ts';
import type { BillingDb } from '../db/types.ts';
import { observationsInWindow, usageVersions, type ObservationScope } from '../db/usage-repository.ts';
import { invoiceNumberText, type Bill, type BillLine } from './bill.ts';
import type { Clock } from './clock.ts';
import { periodContaining } from './period.ts';
import type { AccruedSpendSource, BilledRevenueSource, BillingPeriod, PriceSchedulePort, SettlementPort } from './ports.ts';
import { RatedUsageCache } from './rated-usage-cache.ts';
import { extraSkusOf, rate, RatedUsage, type PriceSchedule, type Rated, type RatedTotals } from './rating.ts';
import { spansOf, type VmObservation } from './usage.ts';

/** An organisation's bill for the open period: accrued to `asOf`, and projected to the period's end. */
export interface CurrentBill extends Rated {
  readonly organizationId: string;
  readonly period: BillingPeriod;
  readonly asOf: Date;
  readonly currency: string;
  readonly projected: RatedTotals;
}

export interface CloseSummary {
  readonly period: BillingPeriod;
  readonly issued: number;
  readonly alreadyIssued: number;
  readonly paid: number;
  readonly unpaid: number;
}

export interface UsageTotals {
  readonly organizationId: string;
  readonly period: BillingPeriod;
  readonly virtualMachines: number;
  readonly runningMillis: bigint;
  readonly vcpuMillis: bigint;
  readonly memoryGibMillis: bigint;
  readonly storageGibMillis: bigint;
}

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(key(item)) ?? [];
    list.push(item);
    map.set(key(item), list);
  }
  return map;
};

/**
 * The schedule, asked for again with the usage's licence and add-on SKUs when it does not price them all
 * (catalog's client then remembers them: the next usual request covers them without this second call).
 */
async function covering(
  prices: PriceSchedulePort,
  period: BillingPeriod,
  schedule: PriceSchedule,
  observations: readonly VmObservation[],
): Promise<PriceSchedule> {
  const extras = extraSkusOf(observations);
  return extras.every((sku) => schedule.prices.has(sku)) ? schedule : prices.scheduleFor(period.start, period.end, extras);
}

/** Rating on read (current bills, costs to date), closing periods into numbered bills, and settling them. */
export class BillService implements AccruedSpendSource, BilledRevenueSource {
  constructor(
    private readonly db: BillingDb,
    private readonly prices: PriceSchedulePort,
    private readonly freshPrices: PriceSchedulePort,
    private readonly settlement: SettlementPort,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly cache = new RatedUsageCache(0),
  ) {}

  /** Rates the scope's usage in [period.start, until): one SQL statement and one (cached) price schedule. */
  private async rateScope(
    scope: ObservationScope,
    period: BillingPeriod,
    until: Date,
    prices = this.prices,
  ): Promise<{ observations: VmObservation[]; rateTo: (to: Date, obs?: readonly VmObservation[]) => Rated; currency: string }> {
    const [observations, usual] = await Promise.all([observationsInWindow(this.db, scope, period.start, until), prices.scheduleFor(period.start, period.end)]);
    const schedule = await covering(prices, period, usual, observations);
    return {
      observations,
      currency: schedule.currency,
      rateTo: (to, obs = observations) => rate(spansOf(obs, period.start, to), schedule),
    };
  }

  /**
   * Each organisation's usage over the whole period, rated: from the cache while its usage version and the
   * price schedule are unchanged (one small statement), the rest from one statement of observations.
   */
  private async ratedPeriod(organizationIds: readonly string[], period: BillingPeriod): Promise<{ rated: Map<string, RatedUsage>; currency: string }> {
    const [versions, schedule] = await Promise.all([
      this.cache.enabled ? usageVersions(this.db, organizationIds) : null,
      this.prices.scheduleFor(period.start, period.end),
    ]);
    const rated = new Map<string, RatedUsage>();
    const stale: string[] = [];
    for (const organizationId of organizationIds) {
      const hit = versions && this.cache.get(organizationId, period, versions.get(organizationId)!, schedule);
      if (hit) rated.set(organizationId, hit);
      else stale.push(organizationId);
    }
    if (stale.length === 0) return { rated, currency: schedule.currency };
    // The versions were read before the observations: a write committed in between makes this rating newer
    // than the version it is kept under, never older, so the next read re-rates instead of serving a stale total.
    const observations = await observationsInWindow(this.db, { organizationIds: stale }, period.start, period.end);
    const priced = await covering(this.prices, period, schedule, observations);
    const byOrg = groupBy(observations, (o) => o.organizationId);
    for (const organizationId of stale) {
      const usage = RatedUsage.of(spansOf(byOrg.get(organizationId) ?? [], period.start, period.end), priced);
      rated.set(organizationId, usage);
      if (versions) this.cache.set(organizationId, period, versions.get(organizationId)!, priced, usage);
    }
    return { rated, currency: priced.currency };
  }

  /** Current bills of these organisations, batched: projected is the whole period (every VM as it is now), accrued its part before now. */
  async currentBills(organizationIds: readonly string[]): Promise<Map<string, CurrentBill>> {
    const asOf = this.clock();
    const period = periodContaining(asOf);
    const { rated, currency } = await this.ratedPeriod(organizationIds, period);
    const bills = new Map<string, CurrentBill>();
    for (const [organizationId, usage] of rated) {
      const { subtotalMinor, vatMinor, totalMinor } = usage.whole;
      bills.set(organizationId, { organizationId, period, asOf, currency, ...usage.before(asOf), projected: { subtotalMinor, vatMinor, totalMinor } });
    }
    return bills;
  }

  /** Each VM's cost this period so far (VAT excluded, as VAT applies to the bill's sum), with its organisation. */
  async costsToDate(vmIds: readonly string[]): Promise<Map<string, { organizationId: string; amountMinor: bigint; currency: string }>> {
    const asOf = this.clock();
    const period = periodContaining(asOf);
    const { observations, rateTo, currency } = await this.rateScope({ vmIds }, period, asOf);
    const costs = new Map<string, { organizationId: string; amountMinor: bigint; currency: string }>();
    for (const [vmId, own] of groupBy(observations, (o) => o.vmId)) {
      const latest = own[own.length - 1]!;
      costs.set(vmId, { organizationId: latest.organizationId, amountMinor: rateTo(asOf, own).subtotalMinor, currency });
    }
    return costs;
  }

  /** AccruedSpendSource: VAT-inclusive totals accrued in the period up to now (or its end, if past). */
  async accruedFor(organizationIds: readonly string[], period: BillingPeriod): Promise<ReadonlyMap<string, bigint>> {
    const now = this.clock();
    const until = now < period.end ? now : period.end;
    const totals = new Map<string, bigint>(organizationIds.map((id) => [id, 0n]));
    if (until <= period.start) return totals;
    const { rated } = await this.ratedPeriod(organizationIds, period);
    for (const [organizationId, usage] of rated) totals.set(organizationId, usage.before(until).totalMinor);
    return totals;
  }

  /** BilledRevenueSource: finalised bills' subtotals per organisation. */
  revenueByOrganization(period: BillingPeriod): Promise<ReadonlyMap<string, bigint>> {
    return revenueByOrganization(this.db, period);
  }

  /** Resource hours of each organisation in a period (to now, for the open one). */
  async usage(organizationIds: readonly string[], period: BillingPeriod): Promise<Map<string, UsageTotals>> {
    const now = this.clock();
    const until = now < period.end ? now : period.end;
    const result = new Map<string, UsageTotals>();
    const observations = until > period.start ? await observationsInWindow(this.db, { organizationIds }, period.start, until) : [];
    const spans = spansOf(observations, period.start, until);
    for (const organizationId of organizationIds) {
      result.set(organizationId, { organizationId, period, virtualMachines: 0, runningMillis: 0n, vcpuMillis: 0n, memoryGibMillis: 0n, storageGibMillis: 0n });
    }
    const vms = new Map<string, Set<string>>();
    for (const span of spans) {
      const o = span.observation;
      const totals = result.get(o.organizationId);
      if (!totals || !(o.running || o.allocated)) continue;
      const ms = BigInt(span.to.getTime() - span.from.getTime());
      const seen = vms.get(o.organizationId) ?? new Set<string>();
      seen.add(o.vmId);
      vms.set(o.organizationId, seen);
      result.set(o.organizationId, {
        ...totals,
        virtualMachines: seen.size,
        runningMillis: totals.runningMillis + (o.running ? ms : 0n),
        vcpuMillis: totals.vcpuMillis + (o.running ? ms * BigInt(o.shape.vcpu) : 0n),
        memoryGibMillis: totals.memoryGibMillis + (o.running ? ms * BigInt(o.shape.memoryGib) : 0n),
        storageGibMillis: totals.storageGibMillis + (o.allocated ? ms * BigInt(o.shape.diskGib) : 0n),
      });
    }
    return result;
  }

  byIds(ids: readonly string[]): Promise<Bill[]> {
    return billsByIds(this.db, ids);
  }

  billPages(organizationIds: string[], fetch: number, after: string | null): Promise<Map<string, Bill[]>> {
    return billPages(this.db, organizationIds, fetch, after);
  }

  allLines(billId: string): Promise<BillLine[]> {
    return allLinesOf(this.db, billId);
  }

  linePages(billIds: string[], fetch: number, afterPosition: number): Promise<Map<string, BillLine[]>> {
    return linePages(this.db, billIds, fetch, afterPosition);
  }

  /**
   * Finalises the period: one numbered bill per organisation with usage, then settles every unpaid
   * bill from the wallet. Running it again issues nothing new. Refused (INVALID_STATE by the caller)
   * before the period has ended.
   */
  async close(period: BillingPeriod): Promise<CloseSummary> {
    const [billed, { observations, rateTo, currency }] = await Promise.all([
      billedOrganizations(this.db, period),
      this.rateScope({ all: true }, period, period.end, this.freshPrices),
    ]);
    let issued = 0;
    let alreadyIssued = billed.size;
    for (const [organizationId, own] of groupBy(observations, (o) => o.organizationId)) {
      if (billed.has(organizationId)) continue;
      const rated = rateTo(period.end, own);
      if (rated.lines.length === 0) continue;
      if (await this.issue(organizationId, period, rated, currency)) issued += 1;
      else alreadyIssued += 1;
    }
    const { paid, unpaid } = await this.settleUnpaid({ period });
    return { period, issued, alreadyIssued, paid, unpaid };
  }

  /**
   * One bill in one transaction with its invoice number. The counter's row lock is taken first, so
   * concurrent closes serialise; a rolled-back transaction consumes no number. False if already issued.
   */
  private issue(organizationId: string, period: BillingPeriod, rated: Rated, currency: string): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const last = await lockInvoiceCounter(trx);
      if (await findBillOf(trx, organizationId, period)) return false;
      const now = this.clock();
      const bill: Bill = {
        id: newId(),
        organizationId,
        period,
        // A zero bill has nothing to collect.
        status: rated.totalMinor === 0n ? 'PAID' : 'ISSUED',
        invoiceNumber: last + 1n,
        currency,
        subtotalMinor: rated.subtotalMinor,
        vatMinor: rated.vatMinor,
        totalMinor: rated.totalMinor,
        issuedAt: now,
        paidAt: rated.totalMinor === 0n ? now : null,
        unpaidSince: null,
        suspendedAt: null,
      };
      await insertBill(trx, bill, rated.lines);
      await setInvoiceCounter(trx, bill.invoiceNumber);
      await writeOutbox(trx, 'billing.bill.finalised', {
        billId: bill.id,
        organizationId,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
        invoiceNumber: invoiceNumberText(bill.invoiceNumber),
        subtotal: eventMoney(bill.subtotalMinor, currency),
        vat: eventMoney(bill.vatMinor, currency),
        total: eventMoney(bill.totalMinor, currency),
      });
      return true;
    });
  }

  /**
   * Settles bills not yet paid (of one period, or all): the wallet debit's idempotency key is the bill
   * id, so a retry after a lost answer never pays twice. A refusal makes an ISSUED bill UNPAID with a
   * billing.bill.unpaid event; an UNPAID bill is tried again on later passes (the wallet may have been
   * topped up). A wallet that cannot be reached leaves the bill as it was, for the next pass.
   */
  async settleUnpaid(filter: { period?: BillingPeriod; organizationId?: string } = {}): Promise<{ paid: number; unpaid: number }> {
    let paid = 0;
    let unpaid = 0;
    const bills = (await unsettledBills(this.db, 10_000)).filter(
      (b) =>
        (!filter.period || b.period.start.getTime() === filter.period.start.getTime()) &&
        (!filter.organizationId || b.organizationId === filter.organizationId),
    );
    for (const bill of bills) {
      const outcome = await this.settlement
        .settle({
          id: bill.id,
          organizationId: bill.organizationId,
          totalMinor: bill.totalMinor,
          currency: bill.currency,
          invoiceNumber: invoiceNumberText(bill.invoiceNumber),
        })
        .catch((error: unknown) => {
          this.logger.warn('bill settlement failed; will retry', { billId: bill.id, error });
          return null;
        });
      if (!outcome) {
        if (bill.status === 'UNPAID') unpaid += 1;
        continue;
      }
      const now = this.clock();
      if (outcome.kind === 'PAID') {
        await inTransaction(this.db, async (trx) => {
          if (await markPaid(trx, bill.id, outcome.transactionId, now)) {
            await writeOutbox(trx, 'billing.bill.paid', {
              billId: bill.id,
              organizationId: bill.organizationId,
              invoiceNumber: invoiceNumberText(bill.invoiceNumber),
              total: eventMoney(bill.totalMinor, bill.currency),
              paidAt: now.toISOString(),
            });
          }
        });
        paid += 1;
      } else {
        await inTransaction(this.db, async (trx) => {
          if (await markUnpaid(trx, bill.id, now)) {
            await writeOutbox(trx, 'billing.bill.unpaid', {
              billId: bill.id,
              organizationId: bill.organizationId,
              invoiceNumber: invoiceNumberText(bill.invoiceNumber),
              total: eventMoney(bill.totalMinor, bill.currency),
              reason: outcome.code,
              unpaidSince: now.toISOString(),
            });
          }
        });
        unpaid += 1;
      }
    }
    return { paid, unpaid };
  }
}
