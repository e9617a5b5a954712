import { parseAmount, parseCurrency } from '../money.ts';

export interface AmountRule {
  readonly allowNegative?: boolean;
  readonly allowZero?: boolean;
}

/** A money amount argument ("150.00") as bigint minor units; a refusal names `field`. */
export function parseMoneyAmount(value: string, field = 'amount', rule: AmountRule = {}): bigint {
  return parseAmount(value, field, rule);
}

/** Absent is null ("the whole hold", "clear the threshold"); anything else must pass `rule`. */
export function parseOptionalMoneyAmount(value: string | null | undefined, field = 'amount', rule: AmountRule = {}): bigint | null {
  return value === null || value === undefined ? null : parseAmount(value, field, rule);
}

/** The usual `amount` + optional `currency` pair of an input (currency defaults to ZAR), refusals naming each. */
export function parseMoneyInput(
  input: { readonly amount: string; readonly currency?: string | null },
  rule: AmountRule = {},
): { readonly amount: bigint; readonly currency: string } {
  return { amount: parseAmount(input.amount, 'amount', rule), currency: parseCurrency(input.currency, 'currency') };
}
