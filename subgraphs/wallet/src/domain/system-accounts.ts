/**
 * The provider's own ledger accounts, created by the first migration with these fixed ids (the
 * migration repeats them because migrations never import application code). Their balance is the
 * sum of their journal; only wallets carry a running balance.
 */
export const SYSTEM_ACCOUNTS = Object.freeze({
  /** Provider revenue: captured holds and paid bills. */
  REVENUE: '00000000-0000-7000-8000-000000000001',
  /** Commission the provider pays out to resellers. */
  COMMISSION: '00000000-0000-7000-8000-000000000002',
  /** Money arriving from outside (payments behind top-ups). */
  EXTERNAL: '00000000-0000-7000-8000-000000000003',
  /** The other side of provider staff corrections. */
  ADJUSTMENT: '00000000-0000-7000-8000-000000000004',
});

export type SystemAccount = keyof typeof SYSTEM_ACCOUNTS;

const SYSTEM_IDS = new Set<string>(Object.values(SYSTEM_ACCOUNTS));

export const isSystemAccount = (accountId: string): boolean => SYSTEM_IDS.has(accountId);
