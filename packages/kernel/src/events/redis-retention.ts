import type { Redis } from 'ioredis';
import { compareStreamIds, pairs } from './redis-entries.ts';

/**
 * Trims a topic stream to the retention window, but never past an entry some consumer group has not
 * acknowledged: the floor is each group's oldest pending entry, or its last delivered id.
 */
export async function trimStream(redis: Redis, stream: string, cutoffMs: number): Promise<number> {
  let floor = `${cutoffMs}-0`;
  const groups = (await redis.call('XINFO', 'GROUPS', stream).catch(() => [])) as unknown[][];
  for (const group of groups.map(pairs)) {
    const name = group.name ?? '';
    let groupFloor = group['last-delivered-id'] ?? '0-0';
    if (Number(group.pending ?? 0) > 0) {
      const [, oldestPending] = (await redis.call('XPENDING', stream, name)) as [number, string | null];
      if (oldestPending && compareStreamIds(oldestPending, groupFloor) < 0) groupFloor = oldestPending;
    }
    if (compareStreamIds(groupFloor, floor) < 0) floor = groupFloor;
  }
  return Number(await redis.call('XTRIM', stream, 'MINID', floor));
}
