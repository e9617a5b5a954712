import type { PhaseCounts } from './tally.ts';

export interface FaultRow {
  readonly fault: string;
  readonly proves: string;
  readonly counts: PhaseCounts;
  readonly recoverMs: number | undefined;
  readonly notes: readonly string[];
  readonly figures: Record<string, number>;
  readonly violations: readonly string[];
}

/** One table per fault: requests sent, answers by kind and code, time to recover, invariants. */
export function faultTable(row: FaultRow): string {
  const lines = [`== ${row.fault} ${row.violations.length === 0 ? 'PASSED' : 'FAILED'}`, `   proves: ${row.proves}`];
  lines.push(`   requests sent: ${row.counts.sent}`);
  const kinds = new Map<string, [string, number][]>();
  for (const [key, n] of [...row.counts.byOutcome.entries()].sort()) {
    const [kind, outcome] = key.split(':') as [string, string];
    kinds.set(kind, [...(kinds.get(kind) ?? []), [outcome, n]]);
  }
  lines.push('   | kind       | answers by code');
  for (const [kind, outcomes] of kinds) lines.push(`   | ${kind.padEnd(10)} | ${outcomes.map(([o, n]) => `${o} ${n}`).join(', ')}`);
  lines.push(`   time to recover: ${row.recoverMs === undefined ? 'n/a' : `${(row.recoverMs / 1000).toFixed(1)} s`}`);
  for (const note of row.notes) lines.push(`   ${note}`);
  lines.push(
    `   invariants: ${Object.entries(row.figures)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  for (const v of row.violations) lines.push(`   VIOLATED: ${v}`);
  return lines.join('\n');
}
