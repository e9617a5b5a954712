import DataLoader from 'dataloader';
import type { WalletService } from './domain/wallet-service.ts';
import type { Wallet } from './domain/wallet.ts';

function byKey(rows: readonly Wallet[], keyOf: (w: Wallet) => string, keys: readonly string[]): (Wallet | null)[] {
  const found = new Map(rows.map((w) => [keyOf(w), w]));
  return keys.map((k) => found.get(k) ?? null);
}

/** Fresh per request (DESIGN §7.4): one statement per batch, results in key order. */
export function createLoaders(wallets: WalletService) {
  return {
    walletById: new DataLoader<string, Wallet | null>(async (ids) => byKey(await wallets.walletsByIds(ids), (w) => w.id, ids)),
    walletByOrganization: new DataLoader<string, Wallet | null>(async (orgIds) =>
      byKey(await wallets.walletsByOrganizations(orgIds), (w) => w.organizationId, orgIds),
    ),
  };
}

export type WalletLoaders = ReturnType<typeof createLoaders>;
