/**
 * Issue 12's benchmark: closing a month (October 2026) for the 3,260-VM demo fleet: rating every VM's
 * usage at the prices in force (a mid-month price change splits lines), issuing one numbered bill per
 * customer with its lines, and settling each (a wallet stand-in that pays at once: the HTTP debit is
 * measured by bench/wallet-postings.ts). Target: under 60 s. Run: npx tsx bench/billing-close.ts
 */
import { cpus } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { benchDatabases } from './lib/bench-database.ts';
import { billingWithFleet, FLEET } from './lib/billing-fleet.ts';

const TARGET_SECONDS = 60;
const dbs = await benchDatabases();
const now = new Date('2026-11-01T00:10:00Z');
const fleet = await billingWithFleet(dbs, () => now);
try {
  const expectedObservations = fleet.inventory.length + fleet.eventCount;
  for (let i = 0; i < 600; i++) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from vm_observations`.execute(fleet.billing.db);
    if (Number(rows[0]!.n) >= expectedObservations) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const period = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z') };
  const started = performance.now();
  const summary = await fleet.billing.closePeriod(period);
  const seconds = (performance.now() - started) / 1000;
  const againStarted = performance.now();
  const again = await fleet.billing.closePeriod(period);
  const againSeconds = (performance.now() - againStarted) / 1000;
  const { rows } = await sql<{ bills: string; lines: string; total: string }>`
    select (select count(*) from bills) as bills, (select count(*) from bill_lines) as lines, (select sum(total_minor) from bills) as total`.execute(
    fleet.billing.db,
  );
  const result = {
    benchmark: 'billing-close',
    virtualMachines: fleet.inventory.length,
    customers: FLEET.length,
    observations: expectedObservations,
    closeSeconds: Math.round(seconds * 1000) / 1000,
    targetSeconds: TARGET_SECONDS,
    withinTarget: seconds < TARGET_SECONDS,
    bills: Number(rows[0]!.bills),
    lines: Number(rows[0]!.lines),
    totalZar: (Number(rows[0]!.total) / 100).toFixed(2),
    summary: { issued: summary.issued, paid: summary.paid, unpaid: summary.unpaid },
    secondCloseSeconds: Math.round(againSeconds * 1000) / 1000,
    secondCloseIssued: again.issued,
    environment: {
      cpus: cpus().length,
      node: process.version,
      database: process.env['BENCH_DATABASE_URL'] ? 'BENCH_DATABASE_URL' : 'embedded PostgreSQL',
      at: new Date().toISOString(),
    },
  };
  const text = JSON.stringify(result, null, 2);
  console.log(text);
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/billing-close.json', import.meta.url), text + '\n');
  if (!result.withinTarget || result.bills !== FLEET.length || again.issued !== 0) process.exitCode = 1;
} finally {
  await fleet.billing.stop();
  await dbs.close();
}
