/**
 * A load process for bench/wallet-postings.ts. Either a wallet "replica" of the two-process run (its
 * own pool and its own ledger, and so its own group commit, on the shared database, posting bill
 * debits straight to the ledger), or, given `http`, a load generator posting them to a wallet
 * subgraph over HTTP, so the subgraph's process measures the subgraph alone. Driven over IPC:
 * { start: {...} } → warms up, answers { ready }; 'go' → posts, answers { report } and exits.
 */
import { createDatabase, createLogger, newId } from '@platform/kernel';
import { gql } from '@platform/kernel/testing';
import { WalletService, type WalletDatabase } from '@platform/wallet';
import { runConcurrently } from './stats.ts';

interface Start {
  readonly url: string;
  readonly organizationId: string;
  readonly postings: number;
  readonly concurrency: number;
  readonly groupCommit: boolean;
  readonly amountMinor: string;
  readonly http?: { readonly url: string; readonly token: string; readonly query: string };
}

let config: Start | null = null;
let poster: (() => Promise<void>) | null = null;
let stats: () => unknown = () => null;
let close = async () => {};

process.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && 'start' in message) void start((message as { start: Start }).start);
  else if (message === 'go') void go();
});

function ledgerPoster(c: Start) {
  const database = createDatabase<WalletDatabase>({
    url: c.url,
    logger: createLogger({ service: 'wallet-poster' }, 'error'),
    maxConnections: c.groupCommit ? 4 : c.concurrency,
  });
  close = () => database.close();
  const service = new WalletService(database.db, { holdTtlSeconds: 3600, groupCommit: c.groupCommit });
  stats = () => service.ledger.groupCommitStats();
  return async () => {
    await service.payBill({ organizationId: c.organizationId, billId: newId(), amount: BigInt(c.amountMinor), currency: 'ZAR', description: null });
  };
}

function httpPoster(c: Start, http: NonNullable<Start['http']>) {
  const amount = (Number(c.amountMinor) / 100).toFixed(2);
  return async () => {
    const r = await gql(http.url, http.query, { input: { organizationId: c.organizationId, billId: newId(), amount } }, { token: http.token });
    if (r.errors || r.status !== 200) throw new Error(JSON.stringify(r.errors));
  };
}

async function start(c: Start) {
  config = c;
  const post = c.http ? httpPoster(c, c.http) : ledgerPoster(c);
  poster = post;
  for (let i = 0; i < 20; i++) await post(); // warm-up: JIT, pool
  process.send?.({ ready: true });
}

async function go() {
  if (!config || !poster) throw new Error('go before start');
  const c = config;
  const post = poster;
  const startedAt = Date.now();
  const { durations, failed } = await runConcurrently(c.postings, c.concurrency, post).catch((error: unknown) => {
    console.error(`poster process: the run broke: ${String(error)}`);
    process.exit(1);
  });
  const endedAt = Date.now();
  const sorted = durations.sort((a, b) => a - b);
  const q = (x: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))] ?? 0) * 100) / 100;
  process.send?.({ report: { startedAt, endedAt, posted: durations.length, failed, p50Ms: q(0.5), p99Ms: q(0.99), groupCommit: stats() } });
  await close();
  setTimeout(() => process.exit(0), 100);
}
