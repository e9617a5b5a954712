/**
 * One wallet "replica" for bench/wallet-postings.ts's two-process run: its own pool and its own
 * ledger (and so its own group commit) on the shared database, posting bill debits straight to
 * the ledger. Driven over IPC: { start: {...} } → warms up, answers { ready }; 'go' → posts,
 * answers { report } and exits.
 */
import { createDatabase, createLogger, newId } from '@platform/kernel';
import { WalletService, type WalletDatabase } from '@platform/wallet';
import { runConcurrently } from './stats.ts';

interface Start {
  readonly url: string;
  readonly organizationId: string;
  readonly postings: number;
  readonly concurrency: number;
  readonly groupCommit: boolean;
  readonly amountMinor: string;
}

let config: Start | null = null;
let service: WalletService | null = null;
let close = async () => {};

process.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && 'start' in message) void start((message as { start: Start }).start);
  else if (message === 'go') void go();
});

const post = (s: WalletService, c: Start) =>
  s.payBill({ organizationId: c.organizationId, billId: newId(), amount: BigInt(c.amountMinor), currency: 'ZAR', description: null }).then(() => undefined);

async function start(c: Start) {
  const database = createDatabase<WalletDatabase>({ url: c.url, logger: createLogger({ service: 'wallet-poster' }, 'error'), maxConnections: c.groupCommit ? 4 : c.concurrency });
  close = () => database.close();
  config = c;
  service = new WalletService(database.db, { holdTtlSeconds: 3600, groupCommit: c.groupCommit });
  for (let i = 0; i < 20; i++) await post(service, c); // warm-up: JIT, pool
  process.send?.({ ready: true });
}

async function go() {
  if (!config || !service) throw new Error('go before start');
  const c = config;
  const s = service;
  const startedAt = Date.now();
  const { durations, failed } = await runConcurrently(c.postings, c.concurrency, () => post(s, c)).catch((error: unknown) => {
    console.error(`poster process: the run broke: ${String(error)}`);
    process.exit(1);
  });
  const endedAt = Date.now();
  const sorted = durations.sort((a, b) => a - b);
  const q = (x: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))] ?? 0) * 100) / 100;
  process.send?.({ report: { startedAt, endedAt, posted: durations.length, failed, p50Ms: q(0.5), p99Ms: q(0.99), groupCommit: s.ledger.groupCommitStats() } });
  await close();
  setTimeout(() => process.exit(0), 100);
}
