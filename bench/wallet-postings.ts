/**
 * Issues 3 and 17: ledger postings (bill debits) per second and latency at a fixed concurrency,
 * (a) all on one hot wallet and (b) spread over 100 wallets, each over HTTP (the full path: token
 * check, GraphQL, ledger) and straight against the ledger (no HTTP). Two wallet subgraphs run side
 * by side on their own databases: one with group commit (the default: a wallet's concurrent
 * transfers go in one transaction per batch) and one without (WALLET_GROUP_COMMIT=0: a transaction
 * per posting, each waiting for the row lock of the one before). Their scenarios alternate, so the
 * ratio between them is measured under the same load. Then, in both modes, the hot wallet over HTTP
 * with the load generator in its own process (this process's CPU is then the subgraph's), and two
 * processes (two "replicas", each its own pool and batcher) posting to one hot wallet on one database. The ledger's
 * invariants are checked at the end. Issue 17's target: >= 1,000 postings/s on one hot wallet.
 * Run: npx tsx bench/wallet-postings.ts  (BENCH_POSTINGS, BENCH_CONCURRENCY to change the load).
 */
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createLogger, InMemoryEventBus, newId } from '@platform/kernel';
import { createTestAuth, gql, StatementCounter, TestOrgTree } from '@platform/kernel/testing';
import { auditLedger, createWalletSubgraph, readWalletConfig, type WalletSubgraph } from '@platform/wallet';
import { benchDatabases } from './lib/bench-database.ts';
import { runConcurrently, summarise } from './lib/stats.ts';

const POSTINGS = Number(process.env['BENCH_POSTINGS'] ?? 1200);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const AMOUNT_MINOR = 100n; // R1.00 a posting
const TARGET_PER_SECOND = 1000;
const DEBIT = `mutation($input: DebitForBillInput!) { internalDebitForBill(input: $input) { id balanceAfter { amount } } }`;
const MODES = { grouped: '1', unbatched: '0' } as const;
type Mode = keyof typeof MODES;

const dbs = await benchDatabases();
const auth = await createTestAuth();
const tree = new TestOrgTree();
const provider = tree.add(newId(), 'PROVIDER');
const token = await auth.serviceToken('billing', ['wallet:debit']);

interface Instance {
  readonly wallet: WalletSubgraph;
  readonly counter: StatementCounter;
  readonly url: string;
  readonly databaseUrl: string;
}

async function startInstance(mode: Mode): Promise<Instance> {
  const counter = new StatementCounter();
  const databaseUrl = await dbs.database(`wallet_${mode}`);
  const wallet = createWalletSubgraph(
    readWalletConfig({
      DATABASE_URL: databaseUrl,
      PORT: '0',
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      // Grouped, the postings use one connection at a time (the batch in flight): the default pool is
      // plenty. Unbatched, each posting holds a connection while it waits for the row lock.
      DATABASE_POOL_SIZE: mode === 'grouped' ? '10' : String(CONCURRENCY),
      WALLET_GROUP_COMMIT: MODES[mode],
    }),
    {
      logger: createLogger({ service: `wallet-bench-${mode}` }, 'error'),
      verifyToken: auth.verifyToken,
      orgDirectory: tree,
      eventBus: new InMemoryEventBus(),
      serviceTokens: async () => auth.serviceToken('wallet', []),
      onQuery: counter.record,
    },
  );
  const server = await wallet.start();
  return { wallet, counter, url: server.url, databaseUrl };
}

/** `count` new customer wallets, each funded for every posting it could receive. */
async function fundedOrgs(instance: Instance, count: number, postingsEach: number) {
  const orgs = Array.from({ length: count }, () => tree.add(newId(), 'CUSTOMER', provider));
  for (const organizationId of orgs) {
    await instance.wallet.wallets.topUp({
      organizationId,
      amount: AMOUNT_MINOR * BigInt(postingsEach),
      currency: 'ZAR',
      paymentReference: 'bench',
      idempotencyKey: newId(),
    });
  }
  return orgs;
}

type Poster = (organizationId: string) => Promise<void>;
const viaHttp =
  (instance: Instance): Poster =>
  async (organizationId) => {
    const r = await gql(instance.url, DEBIT, { input: { organizationId, billId: newId(), amount: '1.00' } }, { token });
    if (r.errors || r.status !== 200) throw new Error(JSON.stringify(r.errors));
  };
const viaLedger =
  (instance: Instance): Poster =>
  async (organizationId) => {
    await instance.wallet.wallets.payBill({ organizationId, billId: newId(), amount: AMOUNT_MINOR, currency: 'ZAR', description: null });
  };

async function measure(instance: Instance, orgs: string[], post: Poster) {
  for (let i = 0; i < 50; i++) await post(orgs[i % orgs.length] as string); // warm-up: JIT, caches, pool
  instance.counter.reset();
  const batchesBefore = instance.wallet.wallets.ledger.groupCommitStats();
  const { durations, wallMs, cpuMs, failed } = await runConcurrently(POSTINGS, CONCURRENCY, (i) => post(orgs[i % orgs.length] as string));
  const stats = summarise(durations, wallMs, cpuMs, failed);
  const batchesAfter = instance.wallet.wallets.ledger.groupCommitStats();
  const batches = batchesAfter && batchesBefore ? batchesAfter.batches - batchesBefore.batches : null;
  return {
    postingsPerSecond: stats.perSecond,
    p50Ms: stats.p50Ms,
    p95Ms: stats.p95Ms,
    p99Ms: stats.p99Ms,
    sqlStatementsPerPosting: Math.round((instance.counter.count / POSTINGS) * 100) / 100,
    cpuMsPerPosting: stats.cpuMsPerRequest,
    ...(batches ? { postingsPerBatch: Math.round((POSTINGS / batches) * 10) / 10 } : {}),
    ...(stats.failed ? { failedPostings: stats.failed } : {}),
  };
}

/**
 * Load from child processes (bench/lib/wallet-poster-process.ts), all on one hot wallet, started
 * together: `processes` ledger "replicas" (each its own pool and batcher) at an even share of the
 * concurrency, or, over HTTP, one load generator posting to this process's subgraph (whose CPU per
 * posting is then the subgraph's alone).
 */
async function fromChildren(instance: Instance, mode: Mode, organizationId: string, processes: number, http: boolean) {
  const children = Array.from({ length: processes }, () =>
    fork(fileURLToPath(new URL('./lib/wallet-poster-process.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }),
  );
  const reply = <T>(child: (typeof children)[number], key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: unknown) => {
        if (typeof m === 'object' && m !== null && key in m) {
          child.off('message', onMessage);
          resolve((m as Record<string, T>)[key] as T);
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`poster process exited (${code}) before ${key}`)));
    });
  const postings = Math.floor(POSTINGS / processes);
  const concurrency = Math.max(1, Math.floor(CONCURRENCY / processes));
  const ready = children.map((c) => reply<boolean>(c, 'ready'));
  for (const c of children) {
    c.send({
      start: {
        url: instance.databaseUrl,
        organizationId,
        postings,
        concurrency,
        groupCommit: mode === 'grouped',
        amountMinor: AMOUNT_MINOR.toString(),
        ...(http ? { http: { url: instance.url, token, query: DEBIT } } : {}),
      },
    });
  }
  await Promise.all(ready);
  const reports = children.map((c) => reply<{ startedAt: number; endedAt: number; posted: number; failed: number; p50Ms: number; p99Ms: number }>(c, 'report'));
  const cpuAtStart = process.cpuUsage();
  for (const c of children) c.send('go');
  const done = await Promise.all(reports);
  const cpu = process.cpuUsage(cpuAtStart);
  const wallMs = Math.max(...done.map((r) => r.endedAt)) - Math.min(...done.map((r) => r.startedAt));
  const posted = done.reduce((n, r) => n + r.posted, 0);
  return {
    postingsPerSecond: Math.round((posted / wallMs) * 1000 * 100) / 100,
    perProcess: done.map(({ posted: n, failed, p50Ms, p99Ms }) => ({ posted: n, failed, p50Ms, p99Ms })),
    concurrencyPerProcess: concurrency,
    ...(http ? { subgraphCpuMsPerPosting: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, posted)) * 100) / 100 } : {}),
  };
}

const instances = { grouped: await startInstance('grouped'), unbatched: await startInstance('unbatched') };
const modes = Object.keys(MODES) as Mode[];
try {
  const perScenario = POSTINGS + 50;
  const hot = {} as Record<Mode, string>;
  const hotPair = {} as Record<Mode, string>;
  const hotRemote = {} as Record<Mode, string>;
  const hundred = {} as Record<Mode, string[]>;
  for (const mode of modes) {
    // Exactly enough: each hot wallet must end at zero.
    hot[mode] = (await fundedOrgs(instances[mode], 1, 2 * perScenario))[0] as string;
    hotPair[mode] = (await fundedOrgs(instances[mode], 1, 2 * (Math.floor(POSTINGS / 2) + 20)))[0] as string;
    hotRemote[mode] = (await fundedOrgs(instances[mode], 1, POSTINGS + 20))[0] as string;
    hundred[mode] = await fundedOrgs(instances[mode], 100, Math.ceil((2 * perScenario) / 100) + 1);
  }
  type Figures = Awaited<ReturnType<typeof measure>>;
  const scenario = async (run: (mode: Mode) => Promise<Figures>) => {
    const out = {} as Record<Mode, Figures>;
    for (const mode of modes) out[mode] = await run(mode); // alternating, so both see the same load
    return { ...out, ratio: Math.round((out.grouped.postingsPerSecond / out.unbatched.postingsPerSecond) * 100) / 100 };
  };
  const hotWallet = {
    http: await scenario((m) => measure(instances[m], [hot[m]], viaHttp(instances[m]))),
    ledger: await scenario((m) => measure(instances[m], [hot[m]], viaLedger(instances[m]))),
  };
  const hundredWallets = {
    http: await scenario((m) => measure(instances[m], hundred[m], viaHttp(instances[m]))),
    ledger: await scenario((m) => measure(instances[m], hundred[m], viaLedger(instances[m]))),
  };
  type ChildFigures = Awaited<ReturnType<typeof fromChildren>>;
  const hotWalletHttpLoadFromAnotherProcess = {} as Record<Mode, ChildFigures>;
  for (const mode of modes) hotWalletHttpLoadFromAnotherProcess[mode] = await fromChildren(instances[mode], mode, hotRemote[mode], 1, true);
  const twoProcessesOneHotWallet = {} as Record<Mode, ChildFigures>;
  for (const mode of modes) twoProcessesOneHotWallet[mode] = await fromChildren(instances[mode], mode, hotPair[mode], 2, false);

  // The run only counts if the books still balance: every wallet equals its journal and open holds,
  // the whole journal sums to zero, none is below zero, and each hot wallet was debited exactly as sent.
  const invariants: Record<string, boolean> = {};
  for (const mode of modes) {
    const audit = await auditLedger(instances[mode].wallet.db);
    const balanceOf = (org: string) => audit.wallets.find((w) => w.organizationId === org)?.balance;
    invariants[`${mode}: everyBalanceEqualsItsJournal`] = audit.mismatched.length === 0;
    invariants[`${mode}: journalSumsToZero`] = audit.journalTotal === 0n;
    invariants[`${mode}: noWalletBelowZero`] = audit.belowFloor.length === 0;
    invariants[`${mode}: hotWalletDebitedExactly`] = balanceOf(hot[mode]) === 0n;
    invariants[`${mode}: twoProcessHotWalletDebitedExactly`] = balanceOf(hotPair[mode]) === 0n;
    invariants[`${mode}: httpFromAnotherProcessHotWalletDebitedExactly`] = balanceOf(hotRemote[mode]) === 0n;
  }
  const hotGrouped = { http: hotWallet.http.grouped.postingsPerSecond, ledger: hotWallet.ledger.grouped.postingsPerSecond };

  const result = {
    benchmark: 'wallet-postings',
    posting: 'a bill debit: idempotency claim, guarded balance update, journal insert; grouped: one transaction per batch of a wallet',
    postingsPerScenario: POSTINGS,
    concurrency: CONCURRENCY,
    target: {
      postingsPerSecondOnOneHotWallet: TARGET_PER_SECOND,
      metOverHttp: hotGrouped.http >= TARGET_PER_SECOND,
      metOverHttpLoadFromAnotherProcess: hotWalletHttpLoadFromAnotherProcess.grouped.postingsPerSecond >= TARGET_PER_SECOND,
      metLedgerDirect: hotGrouped.ledger >= TARGET_PER_SECOND,
    },
    hotWallet,
    hundredWallets,
    hotWalletHttpLoadFromAnotherProcess,
    twoProcessesOneHotWallet,
    invariants,
    environment: {
      cpus: cpus().length,
      loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      node: process.version,
      database: process.env['BENCH_DATABASE_URL'] ? 'BENCH_DATABASE_URL' : 'embedded PostgreSQL (fsync on)',
      at: new Date().toISOString(),
    },
  };
  const text = JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
  console.log(text);
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/wallet.json', import.meta.url), text + '\n');
  if (!Object.values(invariants).every(Boolean)) process.exitCode = 1;
} finally {
  for (const mode of modes) await instances[mode].wallet.stop();
  await dbs.close();
}
