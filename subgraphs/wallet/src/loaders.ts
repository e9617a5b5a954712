import { byIdLoader } from '@platform/kernel';
import type { WalletService } from './domain/wallet-service.ts';
import type { Wallet } from './domain/wallet.ts';

/** Fresh per request (DESIGN §7.4): one statement per batch, results in key order. */
export function createLoaders(wallets: WalletService) {
  return {
    walletById: byIdLoader((ids) => wallets.walletsByIds(ids), (w: Wallet) => w.id),
    walletByOrganization: byIdLoader((orgIds) => wallets.walletsByOrganizations(orgIds), (w: Wallet) => w.organizationId),
  };
}

export type WalletLoaders = ReturnType<typeof createLoaders>;
