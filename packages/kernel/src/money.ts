import { badInput } from './errors.ts';

/**
 * Money is integer minor units (cents) as bigint, end to end: parsed from exact decimal strings,
 * stored as PostgreSQL bigint, shown as `Money { amount: "123.45", currency: "ZAR" }`. No floats.
 */
export interface Money {
  readonly amount: string;
  readonly currency: string;
}

export const DEFAULT_CURRENCY = 'ZAR';
const MINOR_DIGITS = 2;
const SCALE = 10n ** BigInt(MINOR_DIGITS);
/** Far above any real amount, far below bigint's range: R 10 trillion. */
export const MAX_MINOR = 10n ** 15n;

export function toMoney(minor: bigint, currency = DEFAULT_CURRENCY): Money {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const whole = abs / SCALE;
  const fraction = (abs % SCALE).toString().padStart(MINOR_DIGITS, '0');
  return { amount: `${negative ? '-' : ''}${whole}.${fraction}`, currency };
}

/**
 * Parses an exact decimal string ("12", "12.5", "12.50") into minor units. Rejects floats in
 * disguise ("1e3"), more than two decimals, and amounts beyond MAX_MINOR, naming `field`.
 */
export function parseAmount(value: string, field: string, { allowNegative = false, allowZero = false } = {}): bigint {
  const match = /^(-)?(\d{1,16})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) {
    throw badInput(field, 'must be a decimal amount with at most 2 decimal places, like "150.00".');
  }
  const [, sign, whole = '0', fraction = ''] = match;
  let minor = BigInt(whole) * SCALE + BigInt(fraction.padEnd(MINOR_DIGITS, '0'));
  if (sign) minor = -minor;
  if (minor < 0n && !allowNegative) throw badInput(field, 'must not be negative.');
  if (minor === 0n && !allowZero) throw badInput(field, 'must be more than zero.');
  if (minor > MAX_MINOR || minor < -MAX_MINOR) throw badInput(field, `must be at most ${toMoney(MAX_MINOR).amount}.`);
  return minor;
}

export function parseCurrency(value: string | null | undefined, field: string, accepted: readonly string[] = [DEFAULT_CURRENCY]): string {
  const currency = value ?? DEFAULT_CURRENCY;
  if (!accepted.includes(currency)) throw badInput(field, `must be one of ${accepted.join(', ')}.`);
  return currency;
}

/**
 * numerator / denominator rounded half to even (banker's rounding), exactly, for non-negative
 * or negative values. The one rounding rule of the platform.
 */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let quotient = n / denominator;
  const twiceRemainder = (n % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** PostgreSQL bigint columns arrive as strings; this is the one conversion. */
export const minorFromDb = (value: string | number | bigint): bigint => BigInt(value);
