import type { Transaction } from 'kysely';
import type { WalletDatabase } from './types.ts';

export type WalletTrx = Transaction<WalletDatabase>;
