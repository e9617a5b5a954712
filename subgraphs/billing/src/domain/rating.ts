import { divideHalfEven, STORAGE_BLOCK_GIB, VM_COMPONENT_SKUS } from '@platform/kernel';
import type { UsageSpan, VmShape } from './usage.ts';

/**
 * The rating rules, in one place. Every amount is an integer of minor units (ZAR cents), never a float.
 *
 * 1. Compute (vCPU, RAM) counts while the VM runs; storage (per started 100 GiB block) while it is
 *    allocated, running or not.
 * 2. A month is 744 hours (DESIGN §6): a unit for `ms` milliseconds costs monthly × ms / (744 h in ms).
 * 3. The price in force at each instant is used: a usage span is cut at every price start and at every
 *    VAT rate start inside it. Pieces with the same VM, SKU, quantity, price and VAT rate are one line.
 * 4. A line is rounded ONCE, half to even, from its exact value.
 * 5. subtotal = sum of rounded lines. VAT is applied to the sum of the lines under each rate (rounded
 *    once per rate, half-even); total = subtotal + VAT.
 */
export const MONTH_MS = 744n * 3_600_000n;
export const BASIS_POINTS = 10_000n;

export interface ScheduledPrice {
  readonly productId: string;
  readonly monthlyMinor: bigint;
  readonly effectiveFrom: Date;
}

export interface ScheduledVatRate {
  readonly basisPoints: number;
  readonly effectiveFrom: Date;
}

/** Prices per SKU and VAT rates over a window, each list oldest first. */
export interface PriceSchedule {
  readonly currency: string;
  readonly prices: ReadonlyMap<string, readonly ScheduledPrice[]>;
  readonly vatRates: readonly ScheduledVatRate[];
}

export interface RatedLine {
  readonly vmId: string;
  readonly productId: string;
  readonly sku: string;
  readonly description: string;
  readonly quantity: number;
  readonly unit: string;
  /** Monthly price of one unit. */
  readonly unitPriceMinor: bigint;
  /** How long the units were counted. */
  readonly millis: bigint;
  readonly amountMinor: bigint;
  readonly vatBasisPoints: number;
  readonly from: Date;
  readonly to: Date;
}

export interface RatedTotals {
  readonly subtotalMinor: bigint;
  readonly vatMinor: bigint;
  readonly totalMinor: bigint;
}

export interface Rated extends RatedTotals {
  readonly lines: readonly RatedLine[];
}

/** Usage cannot be rated because the catalogue had no price (or VAT rate) in force: never billed as zero. */
export class UnpricedUsageError extends Error {}

interface Component {
  readonly sku: string;
  readonly quantity: number;
  readonly unit: string;
  readonly description: string;
}

const CPU_LABEL = { STANDARD: 'vCPU, 2.0 GHz', ECONOMY: 'vCPU, 1.8 GHz' } as const;
const STORAGE_LABEL = { STANDARD: 'Storage, standard', PREMIUM: 'Storage, premium' } as const;

/** Rule 1: what a VM in this state is charged for. */
export function componentsOf(shape: VmShape, running: boolean, allocated: boolean): Component[] {
  const components: Component[] = [];
  if (running && shape.vcpu > 0) {
    components.push({ sku: VM_COMPONENT_SKUS.cpu[shape.cpuSpeed], quantity: shape.vcpu, unit: 'vCPU', description: CPU_LABEL[shape.cpuSpeed] });
  }
  if (running && shape.memoryGib > 0) components.push({ sku: VM_COMPONENT_SKUS.memory, quantity: shape.memoryGib, unit: 'GiB', description: 'RAM' });
  if (allocated && shape.diskGib > 0) {
    components.push({
      sku: VM_COMPONENT_SKUS.storage[shape.storageTier],
      quantity: Math.ceil(shape.diskGib / STORAGE_BLOCK_GIB),
      unit: `${STORAGE_BLOCK_GIB} GiB block`,
      description: STORAGE_LABEL[shape.storageTier],
    });
  }
  return components;
}

/** Every SKU rating may ask the schedule for. */
export const RATED_SKUS: readonly string[] = [...Object.values(VM_COMPONENT_SKUS.cpu), VM_COMPONENT_SKUS.memory, ...Object.values(VM_COMPONENT_SKUS.storage)];

/** Rule 2 and 4. */
export const lineAmount = (unitPriceMinor: bigint, quantity: number, millis: bigint): bigint =>
  divideHalfEven(unitPriceMinor * BigInt(quantity) * millis, MONTH_MS);

/** Rule 5. */
export function totalsOf(lines: readonly Pick<RatedLine, 'amountMinor' | 'vatBasisPoints'>[]): RatedTotals {
  const byRate = new Map<number, bigint>();
  let subtotalMinor = 0n;
  for (const line of lines) {
    subtotalMinor += line.amountMinor;
    byRate.set(line.vatBasisPoints, (byRate.get(line.vatBasisPoints) ?? 0n) + line.amountMinor);
  }
  let vatMinor = 0n;
  for (const [bp, sum] of byRate) vatMinor += divideHalfEven(sum * BigInt(bp), BASIS_POINTS);
  return { subtotalMinor, vatMinor, totalMinor: subtotalMinor + vatMinor };
}

/** The entry of an oldest-first list in force at `t` (latest start <= t), and when the next starts. */
function inForce<T extends { readonly effectiveFrom: Date }>(list: readonly T[], t: number): { current: T | undefined; nextAt: number } {
  let current: T | undefined;
  let nextAt = Number.POSITIVE_INFINITY;
  for (const entry of list) {
    const at = entry.effectiveFrom.getTime();
    if (at <= t) current = entry;
    else {
      nextAt = at;
      break;
    }
  }
  return { current, nextAt };
}

interface Usage {
  millis: number;
  from: number;
  to: number;
}

interface Accumulating {
  line: Omit<RatedLine, 'amountMinor' | 'millis' | 'from' | 'to'>;
  whole: Usage;
  /** The part before `asOf`, when one is asked for. */
  early: Usage | null;
}

const add = (usage: Usage | null, from: number, to: number): Usage =>
  usage ? { millis: usage.millis + (to - from), from: Math.min(usage.from, from), to: Math.max(usage.to, to) } : { millis: to - from, from, to };

/** Lines of one VM: by SKU, then start (a VM's pieces never overlap in time, so this is a total order). */
const bySkuStart = (a: Accumulating, b: Accumulating) => (a.line.sku < b.line.sku ? -1 : a.line.sku > b.line.sku ? 1 : a.whole.from - b.whole.from);

/**
 * Entries ordered by VM, SKU and start. Sorting VM ids once and each VM's few lines separately costs far
 * fewer comparisons of long ids than sorting every line. A line's early part, when it has one, starts
 * where its whole does (the first piece is the earliest), so one order serves both.
 */
function ordered(byVm: ReadonlyMap<string, Accumulating[]>): Accumulating[] {
  const entries: Accumulating[] = [];
  for (const vmId of [...byVm.keys()].sort()) {
    const own = byVm.get(vmId)!;
    if (own.length > 1) own.sort(bySkuStart);
    for (const entry of own) entries.push(entry);
  }
  return entries;
}

/** Entries already ordered by VM, SKU and start. */
function finish(entries: readonly Accumulating[], pick: (a: Accumulating) => Usage | null): Rated {
  const lines: RatedLine[] = [];
  for (const a of entries) {
    const usage = pick(a);
    if (!usage || usage.millis <= 0) continue;
    const millis = BigInt(usage.millis);
    const { line } = a;
    lines.push({
      vmId: line.vmId,
      productId: line.productId,
      sku: line.sku,
      description: line.description,
      quantity: line.quantity,
      unit: line.unit,
      unitPriceMinor: line.unitPriceMinor,
      vatBasisPoints: line.vatBasisPoints,
      millis,
      amountMinor: lineAmount(line.unitPriceMinor, line.quantity, millis),
      from: new Date(usage.from),
      to: new Date(usage.to),
    });
  }
  return { lines, ...totalsOf(lines) };
}

/**
 * Rules 1–5 over spans of usage (see spansOf), in one pass: the whole spans, and (with `asOf`) their part
 * before `asOf` — a current bill's accrued and projected figures from one traversal. Lines come ordered by
 * VM, SKU and start.
 */
export function rateWithCutoff(spans: readonly UsageSpan[], schedule: PriceSchedule, asOf: Date | null): { whole: Rated; early: Rated | null } {
  const lines = new Map<string, Accumulating>();
  const byVm = new Map<string, Accumulating[]>();
  const cutoff = asOf ? asOf.getTime() : Number.NEGATIVE_INFINITY;
  for (const span of spans) {
    const { observation } = span;
    for (const component of componentsOf(observation.shape, observation.running, observation.allocated)) {
      const prices = schedule.prices.get(component.sku) ?? [];
      let t = span.from.getTime();
      const end = span.to.getTime();
      while (t < end) {
        const price = inForce(prices, t);
        const vat = inForce(schedule.vatRates, t);
        if (!price.current) throw new UnpricedUsageError(`No price for ${component.sku} in force at ${new Date(t).toISOString()}.`);
        if (!vat.current) throw new UnpricedUsageError(`No VAT rate in force at ${new Date(t).toISOString()}.`);
        const pieceEnd = Math.min(end, price.nextAt, vat.nextAt);
        const key = `${observation.vmId}|${component.sku}|${component.quantity}|${price.current.effectiveFrom.getTime()}|${vat.current.basisPoints}`;
        let found = lines.get(key);
        if (!found) {
          found = {
            line: {
              vmId: observation.vmId,
              productId: price.current.productId,
              sku: component.sku,
              description: component.description,
              quantity: component.quantity,
              unit: component.unit,
              unitPriceMinor: price.current.monthlyMinor,
              vatBasisPoints: vat.current.basisPoints,
            },
            whole: { millis: 0, from: t, to: t },
            early: null,
          };
          lines.set(key, found);
          const own = byVm.get(observation.vmId);
          if (own) own.push(found);
          else byVm.set(observation.vmId, [found]);
        }
        found.whole = add(found.whole, t, pieceEnd);
        const earlyEnd = Math.min(pieceEnd, cutoff);
        if (earlyEnd > t) found.early = add(found.early, t, earlyEnd);
        t = pieceEnd;
      }
    }
  }
  const entries = ordered(byVm);
  return { whole: finish(entries, (a) => a.whole), early: asOf ? finish(entries, (a) => a.early) : null };
}

/** Rules 1–5 over spans of usage (see spansOf). Lines come ordered by VM, SKU and start. */
export function rate(spans: readonly UsageSpan[], schedule: PriceSchedule): Rated {
  return rateWithCutoff(spans, schedule, null).whole;
}

/** Hours as an exact decimal string with two places (half-even): 1_800_000 ms → "0.50". */
export function hoursOf(millis: bigint): string {
  const centiHours = divideHalfEven(millis, 36_000n);
  return `${centiHours / 100n}.${String(centiHours % 100n).padStart(2, '0')}`;
}
