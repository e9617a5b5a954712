import type { OutboxTables } from '@platform/kernel';
import type { Generated, Kysely } from 'kysely';
import type { PaymentsTables } from './payments-tables.ts';

export interface NotesTable {
  id: string;
  organization_id: string;
  text: string;
  created_at: Generated<Date>;
}

/** The billing database as kysely sees it; the outbox tables come with every subgraph. */
export interface BillingDatabase extends OutboxTables, PaymentsTables {
  notes: NotesTable;
}

/** What services hold: they pass it (or a transaction) to repositories and never build a query. */
export type BillingDb = Kysely<BillingDatabase>;
