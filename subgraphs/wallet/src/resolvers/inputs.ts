import { badInput, isUuid, parseAmount, parseCurrency, readPage, type Page, type PageArgs } from '@platform/kernel';
import { MAX_HOLD_TTL_SECONDS } from '../config.ts';

// Validation at the edge: every rejection names its field, before anything is written.

export function uuidArg(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(field, 'must be a UUID.');
  return value.toLowerCase();
}

const KEY = /^[\x21-\x7E]{1,200}$/;

export function idempotencyKeyArg(value: string, field = 'idempotencyKey'): string {
  if (!KEY.test(value)) throw badInput(field, 'must be 1 to 200 printable characters without spaces.');
  return value;
}

export function requiredText(value: string, field: string, max: number): string {
  const text = value.trim();
  if (text.length === 0) throw badInput(field, 'must not be blank.');
  if (text.length > max) throw badInput(field, `must be at most ${max} characters.`);
  return text;
}

export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : requiredText(value, field, max);
}

export const amountArg = (value: string, field = 'amount', options: { allowNegative?: boolean; allowZero?: boolean } = {}): bigint =>
  parseAmount(value, field, options);

export const currencyArg = (value: string | null | undefined, field = 'currency'): string => parseCurrency(value, field);

export function expiresInSecondsArg(value: number | null | undefined, field = 'expiresInSeconds'): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_HOLD_TTL_SECONDS) throw badInput(field, `must be between 1 and ${MAX_HOLD_TTL_SECONDS}.`);
  return value;
}

/** A page whose cursor is a row id (uuid v7, so id order is creation order). */
export function idPage(args: PageArgs): Page<string> {
  const page = readPage<unknown>(args);
  if (page.after !== null && (typeof page.after !== 'string' || !isUuid(page.after))) throw badInput('after', 'is not a cursor this API gave out.');
  return page as Page<string>;
}
