/**
 * The one money shape in events: integer minor units as a decimal string (JSON has no bigint, and a
 * float is never money), with the currency.
 */
export interface EventMoney {
  readonly amountMinor: string;
  readonly currency: string;
}

export const eventMoney = (minor: bigint, currency: string): EventMoney => ({ amountMinor: minor.toString(), currency });
