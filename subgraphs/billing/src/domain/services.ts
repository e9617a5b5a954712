import type { BillingDb } from '../db/types.ts';
import { NoteService } from './note-service.ts';
import type { PaymentServices } from './payments-services.ts';

/** Built once per subgraph (defineSubgraph's `services`); requests, tasks and consumers share them. */
export interface BillingServices extends PaymentServices {
  readonly notes: NoteService;
}

export const createServices = (db: BillingDb, payments: PaymentServices): BillingServices => ({ notes: new NoteService(db), ...payments });
