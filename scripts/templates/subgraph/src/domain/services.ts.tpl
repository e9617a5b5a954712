import type { {{Name}}Db } from '../db/types.ts';
import { NoteService } from './note-service.ts';

/** Built once per subgraph (defineSubgraph's `services`); requests, tasks and consumers share them. */
export interface {{Name}}Services {
  readonly notes: NoteService;
}

export const createServices = (db: {{Name}}Db): {{Name}}Services => ({ notes: new NoteService(db) });
