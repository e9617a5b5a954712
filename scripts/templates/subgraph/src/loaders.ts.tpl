import { byIdLoader, isUuid } from '@platform/kernel';
import type { Note } from './domain/note.ts';
import type { {{Name}}Services } from './domain/services.ts';

/** Fresh per request: one statement per entity type per request, whatever the page size. */
export function createLoaders(services: {{Name}}Services) {
  return {
    // isUuid: a malformed id from a representation is null without reaching SQL.
    noteById: byIdLoader(
      (ids) => services.notes.byIds(ids),
      (note: Note) => note.id,
      isUuid,
    ),
  };
}

export type {{Name}}Loaders = ReturnType<typeof createLoaders>;
