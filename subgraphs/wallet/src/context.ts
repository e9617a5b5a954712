import type { RequestContext } from '@platform/kernel';
import type { WalletService } from './domain/wallet-service.ts';
import type { WalletLoaders } from './loaders.ts';

export interface WalletContext extends RequestContext {
  readonly wallets: WalletService;
  readonly loaders: WalletLoaders;
}
