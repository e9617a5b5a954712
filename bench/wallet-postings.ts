/**
 * Issue 3's benchmark: ledger postings (bill debits) per second and latency at a fixed concurrency,
 * (a) all on one hot wallet, where every posting waits for the row lock of the one before, and
 * (b) spread over 100 wallets. Each is measured over HTTP (the full path: token check, GraphQL,
 * ledger) and straight against the ledger (no HTTP), then the ledger's invariants are checked.
 * Run: npx tsx bench/wallet-postings.ts  (BENCH_POSTINGS, BENCH_CONCURRENCY to change the load).
 */
import { cpus } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { createLogger, InMemoryEventBus, newId } from '@platform/kernel';
import { createTestAuth, gql, StatementCounter, TestOrgTree } from '@platform/kernel/testing';
import { auditLedger, createWalletSubgraph, readWalletConfig } from '@platform/wallet';
import { benchDatabases } from './lib/bench-database.ts';
import { runConcurrently, summarise } from './lib/stats.ts';

const POSTINGS = Number(process.env['BENCH_POSTINGS'] ?? 1200);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const AMOUNT_MINOR = 100n; // R1.00 a posting
const DEBIT = `mutation($input: DebitForBillInput!) { internalDebitForBill(input: $input) { id balanceAfter { amount } } }`;

const dbs = await benchDatabases();
const auth = await createTestAuth();
const tree = new TestOrgTree();
const provider = tree.add(newId(), 'PROVIDER');
const counter = new StatementCounter();
const wallet = createWalletSubgraph(
  readWalletConfig({
    DATABASE_URL: await dbs.database('wallet'),
    PORT: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    DATABASE_POOL_SIZE: String(CONCURRENCY),
  }),
  {
    logger: createLogger({ service: 'wallet-bench' }, 'error'),
    verifyToken: auth.verifyToken,
    orgDirectory: tree,
    eventBus: new InMemoryEventBus(),
    serviceTokens: async () => auth.serviceToken('wallet', []),
    onQuery: counter.record,
  },
);

try {
  const server = await wallet.start();
  const token = await auth.serviceToken('billing', ['wallet:debit']);
  const service = wallet.wallets;

  /** `count` new customer wallets, each funded for every posting it could receive. */
  const fundedOrgs = async (count: number, postingsEach: number) => {
    const orgs = Array.from({ length: count }, () => tree.add(newId(), 'CUSTOMER', provider));
    for (const organizationId of orgs) {
      await service.topUp({ organizationId, amount: AMOUNT_MINOR * BigInt(postingsEach), currency: 'ZAR', paymentReference: 'bench', idempotencyKey: newId() });
    }
    return orgs;
  };

  const viaHttp = async (organizationId: string) => {
    const r = await gql(server.url, DEBIT, { input: { organizationId, billId: newId(), amount: '1.00' } }, { token });
    if (r.errors || r.status !== 200) throw new Error(JSON.stringify(r.errors));
  };
  const viaLedger = async (organizationId: string) => {
    await service.payBill({ organizationId, billId: newId(), amount: AMOUNT_MINOR, currency: 'ZAR', description: null });
  };

  const measure = async (orgs: string[], post: (organizationId: string) => Promise<void>) => {
    for (let i = 0; i < 50; i++) await post(orgs[i % orgs.length] as string); // warm-up: JIT, caches, pool
    counter.reset();
    const { durations, wallMs, cpuMs, failed } = await runConcurrently(POSTINGS, CONCURRENCY, (i) => post(orgs[i % orgs.length] as string));
    const stats = summarise(durations, wallMs, cpuMs, failed);
    return {
      postingsPerSecond: stats.perSecond,
      p50Ms: stats.p50Ms,
      p95Ms: stats.p95Ms,
      p99Ms: stats.p99Ms,
      sqlStatementsPerPosting: Math.round((counter.count / POSTINGS) * 100) / 100,
      cpuMsPerPosting: stats.cpuMsPerRequest,
      ...(stats.failed ? { failedPostings: stats.failed } : {}),
    };
  };

  const perScenario = POSTINGS + 50;
  const hot = await fundedOrgs(1, 2 * perScenario); // exactly enough: it must end at zero
  const hundred = await fundedOrgs(100, Math.ceil((2 * perScenario) / 100) + 1);
  const hotWallet = { http: await measure(hot, viaHttp), ledger: await measure(hot, viaLedger) };
  const hundredWallets = { http: await measure(hundred, viaHttp), ledger: await measure(hundred, viaLedger) };

  // The run only counts if the books still balance: every wallet equals its journal and open holds,
  // the whole journal sums to zero, none is below zero, and each wallet was debited exactly as sent.
  const audit = await auditLedger(wallet.db);
  const invariants = {
    everyBalanceEqualsItsJournal: audit.mismatched.length === 0,
    journalSumsToZero: audit.journalTotal === 0n,
    noWalletBelowZero: audit.belowFloor.length === 0,
    hotWalletDebitedExactly: audit.wallets.find((w) => w.organizationId === hot[0])?.balance === 0n,
  };

  const result = {
    benchmark: 'wallet-postings',
    posting: 'a bill debit: idempotency claim, guarded balance update, journal insert, one transaction',
    postingsPerScenario: POSTINGS,
    concurrency: CONCURRENCY,
    hotWallet,
    hundredWallets,
    invariants,
    environment: {
      cpus: cpus().length,
      node: process.version,
      database: process.env['BENCH_DATABASE_URL'] ? 'BENCH_DATABASE_URL' : 'embedded PostgreSQL (fsync on)',
      at: new Date().toISOString(),
    },
  };
  const text = JSON.stringify(result, null, 2);
  console.log(text);
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/wallet.json', import.meta.url), text + '\n');
  if (!Object.values(invariants).every(Boolean)) process.exitCode = 1;
} finally {
  await wallet.stop();
  await dbs.close();
}
