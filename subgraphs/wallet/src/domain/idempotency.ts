import { createHash } from 'node:crypto';

/**
 * What a money-moving call claims: its key within a scope (the operation and the wallet or hold it
 * acts on), and the request itself, so the same key with a different request is told apart.
 */
export interface Idempotency {
  readonly scope: string;
  readonly key: string;
  readonly request: Readonly<Record<string, string | bigint | number | null>>;
}

/** sha256 of the request as canonical JSON (sorted keys, bigints as decimal strings). */
export function requestHash(request: Idempotency['request']): string {
  const canonical = Object.keys(request)
    .sort()
    .map((k) => [k, typeof request[k] === 'bigint' ? request[k].toString() : request[k]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
