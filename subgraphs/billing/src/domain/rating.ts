import { divideHalfEven, STORAGE_BLOCK_GIB, VM_COMPONENT_SKUS } from '@platform/kernel';
import { periodContaining } from './period.ts';
import type { UsageSpan, VmObservation, VmShape } from './usage.ts';

/**
 * The rating rules, in one place. Every amount is an integer of minor units (ZAR cents), never a float.
 *
 * 1. Compute (vCPU, RAM, and each licence the VM carries) counts while the VM runs; storage (per started
 *    100 GiB block) and each add-on while it is allocated (RUNNING, STOPPED or SUSPENDED), running or not.
 * 2. Hourly-rated components (compute, licences, storage): a month is 744 hours (DESIGN §6), so a unit for
 *    `ms` milliseconds costs monthly × ms / (744 h in ms). A licence's catalogue price is monthly (R89 for
 *    LIC-WIN-SRV) and converts the same way. Add-ons are monthly, pro rata: a unit for `ms` milliseconds of
 *    a calendar month costs monthly × ms / (that month's length), so a whole month costs the monthly price
 *    whether it has 28 or 31 days; their usage is also cut at each month start.
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
  /** Rule 2: monthly pro rata over the calendar month (add-ons), rather than by the 744-hour month. */
  readonly proRata?: true;
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
  if (running) for (const sku of shape.licences) components.push({ sku, quantity: 1, unit: 'licence', description: `Licence ${sku}` });
  if (allocated) for (const sku of shape.addOns) components.push({ sku, quantity: 1, unit: 'add-on', description: `Add-on ${sku}`, proRata: true });
  return components;
}

/** The VM component SKUs rating always asks the schedule for (licences and add-ons: see extraSkusOf). */
export const RATED_SKUS: readonly string[] = [...Object.values(VM_COMPONENT_SKUS.cpu), VM_COMPONENT_SKUS.memory, ...Object.values(VM_COMPONENT_SKUS.storage)];

/** The licence and add-on SKUs these observations carry, sorted: the schedule must price them too. */
export function extraSkusOf(observations: readonly VmObservation[]): string[] {
  const skus = new Set<string>();
  for (const o of observations) {
    for (const sku of o.shape.licences) skus.add(sku);
    for (const sku of o.shape.addOns) skus.add(sku);
  }
  return [...skus].sort();
}

/** Rule 2 and 4: `perMs` is the month the monthly price is spread over (744 h, or a calendar month for add-ons). */
export const lineAmount = (unitPriceMinor: bigint, quantity: number, millis: bigint, perMs: bigint = MONTH_MS): bigint =>
  divideHalfEven(unitPriceMinor * BigInt(quantity) * millis, perMs);

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

/** A line being accumulated: what it charges for, and the pieces of time it covers. */
interface Accumulating {
  readonly line: Omit<RatedLine, 'amountMinor' | 'millis' | 'from' | 'to'>;
  readonly priceFrom: number;
  /** Rule 2: the milliseconds a monthly price is spread over. */
  readonly perMs: number;
  /** For a pro-rata line, the start of its calendar month (0 otherwise): such a line never spans two months. */
  readonly monthFrom: number;
  /** [from, to) pieces in ms, flat: from, to, from, to, … */
  readonly pieces: number[];
  millis: number;
  from: number;
  to: number;
}

/** Lines of one VM: by SKU, then start (a VM's pieces never overlap in time, so this is a total order). */
const bySkuStart = (a: Accumulating, b: Accumulating) => (a.line.sku < b.line.sku ? -1 : a.line.sku > b.line.sku ? 1 : a.from - b.from);

/**
 * Entries ordered by VM, SKU and start. Sorting VM ids once and each VM's few lines separately costs far
 * fewer comparisons of long ids than sorting every line.
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

/** Below this, price × quantity × millis and every step of its division are exact in a double. */
const EXACT_IN_DOUBLE = 2 ** 52;
const MONTH_MS_DOUBLE = Number(MONTH_MS);

/**
 * lineAmount for `millis` held as a number: the same half-even result, computed in doubles when every
 * intermediate is an integer below 2^52 (a current bill re-rounds thousands of lines per read), else in bigint.
 */
export function lineAmountOf(unitPriceMinor: bigint, quantity: number, millis: number, perMs: number = MONTH_MS_DOUBLE): bigint {
  const numerator = Number(unitPriceMinor) * quantity * millis;
  if (!(numerator <= EXACT_IN_DOUBLE) || unitPriceMinor > BigInt(EXACT_IN_DOUBLE)) return lineAmount(unitPriceMinor, quantity, BigInt(millis), BigInt(perMs));
  let quotient = Math.floor(numerator / perMs);
  let remainder = numerator - quotient * perMs;
  // The double division can land one off; the remainder, exact, says which way.
  if (remainder < 0) {
    quotient -= 1;
    remainder += perMs;
  } else if (remainder >= perMs) {
    quotient += 1;
    remainder -= perMs;
  }
  if (remainder * 2 > perMs || (remainder * 2 === perMs && quotient % 2 === 1)) quotient += 1;
  return BigInt(quotient);
}

/** Rule 4: the line for `millis` of an entry's usage between `from` and `to` (Dates passed in are reused). */
function ratedLine({ line, perMs }: Accumulating, millis: number, from: Date, to: Date): RatedLine {
  return {
    vmId: line.vmId,
    productId: line.productId,
    sku: line.sku,
    description: line.description,
    quantity: line.quantity,
    unit: line.unit,
    unitPriceMinor: line.unitPriceMinor,
    vatBasisPoints: line.vatBasisPoints,
    millis: BigInt(millis),
    amountMinor: lineAmountOf(line.unitPriceMinor, line.quantity, millis, perMs),
    from,
    to,
  };
}

/**
 * Usage rated once (rules 1–5): `whole` rates the spans to their ends, and `before(asOf)` their part before
 * an instant without walking the spans and the price schedule again, so a current bill's projected and
 * accrued figures come from one traversal, and the accrued part stays cheap to recompute as time passes.
 * Lines come ordered by VM, SKU and start.
 */
export class RatedUsage {
  private constructor(
    private readonly entries: readonly Accumulating[],
    readonly whole: Rated,
  ) {}

  /** Rates spans of usage (see spansOf) against a schedule; UnpricedUsageError when a price or VAT rate is missing. */
  static of(spans: readonly UsageSpan[], schedule: PriceSchedule): RatedUsage {
    const byVm = new Map<string, Accumulating[]>();
    for (const span of spans) {
      const { observation } = span;
      let own = byVm.get(observation.vmId);
      if (!own) byVm.set(observation.vmId, (own = []));
      for (const component of componentsOf(observation.shape, observation.running, observation.allocated)) {
        const prices = schedule.prices.get(component.sku) ?? [];
        let t = span.from.getTime();
        const end = span.to.getTime();
        while (t < end) {
          const price = inForce(prices, t);
          const vat = inForce(schedule.vatRates, t);
          if (!price.current) throw new UnpricedUsageError(`No price for ${component.sku} in force at ${new Date(t).toISOString()}.`);
          if (!vat.current) throw new UnpricedUsageError(`No VAT rate in force at ${new Date(t).toISOString()}.`);
          // Rule 2: a pro-rata piece stays inside one calendar month, whose length it is spread over.
          const month = component.proRata ? periodContaining(new Date(t)) : null;
          const monthFrom = month ? month.start.getTime() : 0;
          const monthEnd = month ? month.end.getTime() : Number.POSITIVE_INFINITY;
          const perMs = month ? monthEnd - monthFrom : MONTH_MS_DOUBLE;
          const pieceEnd = Math.min(end, price.nextAt, vat.nextAt, monthEnd);
          const priceFrom = price.current.effectiveFrom.getTime();
          const basisPoints = vat.current.basisPoints;
          // Rule 3: one line per VM, SKU, quantity, price and VAT rate (and month, when pro rata); a VM has only a few.
          let found = own.find(
            (a) =>
              a.line.sku === component.sku &&
              a.line.quantity === component.quantity &&
              a.priceFrom === priceFrom &&
              a.line.vatBasisPoints === basisPoints &&
              a.monthFrom === monthFrom &&
              a.perMs === perMs,
          );
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
                vatBasisPoints: basisPoints,
              },
              priceFrom,
              perMs,
              monthFrom,
              pieces: [],
              millis: 0,
              from: t,
              to: pieceEnd,
            };
            own.push(found);
          }
          found.pieces.push(t, pieceEnd);
          found.millis += pieceEnd - t;
          found.from = Math.min(found.from, t);
          found.to = Math.max(found.to, pieceEnd);
          t = pieceEnd;
        }
      }
    }
    const entries = ordered(byVm);
    const lines = entries.map((a) => ratedLine(a, a.millis, new Date(a.from), new Date(a.to)));
    return new RatedUsage(entries, { lines, ...totalsOf(lines) });
  }

  /** The usage before `asOf`, each line rounded once from its own exact value (a line ended by then is the whole one). */
  before(asOf: Date): Rated {
    const cutoff = asOf.getTime();
    const lines: RatedLine[] = [];
    this.entries.forEach((a, i) => {
      const whole = this.whole.lines[i]!;
      if (a.to <= cutoff) lines.push(whole);
      else if (a.from < cutoff) {
        let millis = 0;
        let to = a.from;
        for (let k = 0; k < a.pieces.length; k += 2) {
          const from = a.pieces[k]!;
          const end = Math.min(a.pieces[k + 1]!, cutoff);
          if (end > from) {
            millis += end - from;
            to = Math.max(to, end);
          }
        }
        lines.push(ratedLine(a, millis, whole.from, to === cutoff ? asOf : new Date(to)));
      }
    });
    return { lines, ...totalsOf(lines) };
  }
}

/** Rules 1–5 over spans of usage (see spansOf). Lines come ordered by VM, SKU and start. */
export function rate(spans: readonly UsageSpan[], schedule: PriceSchedule): Rated {
  return RatedUsage.of(spans, schedule).whole;
}

/** Hours as an exact decimal string with two places (half-even): 1_800_000 ms → "0.50". */
export function hoursOf(millis: bigint): string {
  const centiHours = divideHalfEven(millis, 36_000n);
  return `${centiHours / 100n}.${String(centiHours % 100n).padStart(2, '0')}`;
}
