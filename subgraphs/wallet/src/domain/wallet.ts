/** An organisation's prepaid wallet: a ledger account whose balance the database keeps above its floor. */
export interface Wallet {
  readonly id: string;
  readonly organizationId: string;
  readonly currency: string;
  /** Posted money, minor units: the sum of the wallet's journal. */
  readonly balance: bigint;
  /** The sum of the wallet's open holds. */
  readonly held: bigint;
  /** How far below zero `balance - held` may go (0: not at all). */
  readonly creditLimit: bigint;
  readonly lowBalanceThreshold: bigint | null;
  readonly createdAt: Date;
}

/** Balance minus open holds. */
export const availableOf = (wallet: Pick<Wallet, 'balance' | 'held'>): bigint => wallet.balance - wallet.held;

/** The ledger's range: a wallet's balance and held amount are PostgreSQL bigint columns. */
export const LEDGER_MAX_MINOR = 2n ** 63n - 1n;
