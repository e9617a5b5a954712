import { fail } from '@platform/kernel';
import type { NoteResolvers } from '../__generated__/resolvers-types.ts';
import type { BillingContext } from '../context.ts';
import type { Note as NoteModel } from '../domain/note.ts';

/** A note the caller may see, or null: a foreign note looks exactly like a missing one. */
async function visibleNote(ctx: BillingContext, note: NoteModel | null): Promise<NoteModel | null> {
  return note !== null && (await ctx.access.canSee(note.organizationId)) ? note : null;
}

export async function visibleNoteOrFail(ctx: BillingContext, note: NoteModel | null): Promise<NoteModel> {
  const visible = await visibleNote(ctx, note);
  if (!visible) throw fail('NOT_FOUND', 'id: no note you can see has this id.', { field: 'id' });
  return visible;
}

export const Note: NoteResolvers = {
  // The gateway's `_entities`: through the loader (one statement for every representation), null when invisible.
  __resolveReference: async (ref, ctx) => visibleNote(ctx, await ctx.loaders.noteById.load(ref.id.toLowerCase())),
};
