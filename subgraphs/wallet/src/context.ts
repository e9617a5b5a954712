import type { RequestContext } from '@platform/kernel';
import type { WalletService } from './domain/wallet-service.ts';
import type { WalletLoaders } from './loaders.ts';

export type WalletContext = RequestContext & {
  readonly wallets: WalletService;
  readonly loaders: WalletLoaders;
};
