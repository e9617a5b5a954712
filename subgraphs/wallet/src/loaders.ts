import { byIdLoader, isUuid, pageLoader } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { findWalletsByIds, findWalletsByOrganizations } from './db/account-repository.ts';
import { holdPages } from './db/hold-repository.ts';
import { postingPages, type TransferFilter } from './db/transfer-repository.ts';
import type { WalletDatabase } from './db/types.ts';
import type { Hold, HoldStatus } from './domain/hold.ts';
import type { Posting } from './domain/posting.ts';
import type { Wallet } from './domain/wallet.ts';

/** Fresh per request (DESIGN §7.4): one statement per batch, results in key order; malformed ids never reach SQL. */
export function createLoaders(db: Kysely<WalletDatabase>) {
  return {
    walletById: byIdLoader(
      (ids) => findWalletsByIds(db, ids),
      (w: Wallet) => w.id,
      isUuid,
    ),
    walletByOrganization: byIdLoader(
      (orgIds) => findWalletsByOrganizations(db, orgIds),
      (w: Wallet) => w.organizationId,
      isUuid,
    ),
    walletHolds: pageLoader<Hold, string, HoldStatus | null>((walletIds, query) => holdPages(db, walletIds, query)),
    walletPostings: pageLoader<Posting, string, TransferFilter>((walletIds, query) => postingPages(db, walletIds, query)),
  };
}

export type WalletLoaders = ReturnType<typeof createLoaders>;
