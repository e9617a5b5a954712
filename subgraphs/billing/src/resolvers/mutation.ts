import { fieldsUnder, parseId, parseText } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';

export const Mutation: MutationResolvers = {
  // fieldsUnder: errors naming `text` or `organizationId` reach the client as `input.text`, `input.organizationId`.
  addNote: (_parent, { input }, ctx) =>
    fieldsUnder('input', async () => {
      const command = {
        organizationId: parseId(input.organizationId, 'organizationId'),
        text: parseText(input.text, 'text', { max: 2000 }),
      };
      await ctx.access.assertMember(command.organizationId, 'MEMBER');
      return ctx.services.notes.add(command);
    }),
};
