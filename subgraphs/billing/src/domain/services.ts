import type { BillingDb } from '../db/types.ts';
import { NoteService } from './note-service.ts';

/** Built once per subgraph (defineSubgraph's `services`); requests, tasks and consumers share them. */
export interface BillingServices {
  readonly notes: NoteService;
}

export const createServices = (db: BillingDb): BillingServices => ({ notes: new NoteService(db) });
