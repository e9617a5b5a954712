import { parseId } from '@platform/kernel';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { visibleNoteOrFail } from './note.ts';

export const Query: QueryResolvers = {
  async note(_parent, args, ctx) {
    const id = parseId(args.id, 'id');
    ctx.access.requireCaller();
    return visibleNoteOrFail(ctx, await ctx.loaders.noteById.load(id));
  },
};
