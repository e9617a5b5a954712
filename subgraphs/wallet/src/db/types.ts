import type { ColumnType, Generated } from 'kysely';
import type { OutboxTables } from '@platform/kernel';

// pg returns bigint (int8) columns as strings; repositories convert them with minorFromDb.
type Minor = ColumnType<string, string | bigint, string | bigint>;
type GeneratedMinor = ColumnType<string, string | bigint | undefined, string | bigint>;

export type AccountKind = 'WALLET' | 'REVENUE' | 'COMMISSION' | 'EXTERNAL' | 'ADJUSTMENT';
export type TransferKind = 'TOP_UP' | 'ADJUSTMENT' | 'HOLD_CAPTURE' | 'BILL_PAYMENT' | 'COMMISSION' | 'TRANSFER';
export type HoldStatus = 'PENDING' | 'CAPTURED' | 'RELEASED' | 'EXPIRED';

export interface AccountsTable {
  id: string;
  kind: AccountKind;
  organization_id: string | null;
  currency: string;
  balance: GeneratedMinor;
  held: GeneratedMinor;
  credit_limit: GeneratedMinor;
  low_balance_threshold: ColumnType<string | null, string | bigint | null | undefined, string | bigint | null>;
  created_at: Generated<Date>;
}

export interface TransfersTable {
  id: string;
  kind: TransferKind;
  debit_account_id: string;
  credit_account_id: string;
  amount: Minor;
  currency: string;
  debit_balance_after: ColumnType<string | null, string | bigint | null, never>;
  credit_balance_after: ColumnType<string | null, string | bigint | null, never>;
  hold_id: string | null;
  corrects_transfer_id: string | null;
  description: string | null;
  reference: string | null;
  created_at: Generated<Date>;
}

export interface HoldsTable {
  id: string;
  wallet_id: string;
  credit_account_id: string;
  amount: Minor;
  currency: string;
  status: Generated<HoldStatus>;
  captured_amount: ColumnType<string | null, string | bigint | null | undefined, string | bigint | null>;
  description: string | null;
  reference: string | null;
  expires_at: Date;
  created_at: Generated<Date>;
  resolved_at: Date | null;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  result_id: string;
  created_at: Generated<Date>;
}

export interface WalletDatabase extends OutboxTables {
  accounts: AccountsTable;
  transfers: TransfersTable;
  holds: HoldsTable;
  idempotency_keys: IdempotencyKeysTable;
}
