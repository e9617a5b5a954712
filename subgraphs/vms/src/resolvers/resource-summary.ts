import type { ResourceSummaryResolvers } from '../__generated__/resolvers-types.ts';

const round2 = (n: number) => Math.round(n * 100) / 100;

export const ResourceSummary: ResourceSummaryResolvers = {
  memoryGib: (s) => round2(s.memoryMibTotal / 1024),
  diskTib: (s) => round2(s.diskGibTotal / 1024),
};
