import { createLogger, inTransaction, newId } from '@platform/kernel';
import { sql, type KyselyPlugin } from 'kysely';
import { describe, expect } from 'vitest';
import { insertAlerts } from '../src/db/alert-repository.ts';
import type { LoggedAlertTransition } from '../src/domain/alerts/alert.ts';
import { AlertEvaluator } from '../src/domain/alerts/evaluator.ts';
import { respondBy } from '../src/domain/alerts/respond-by.ts';
import { AlertTransitions } from '../src/domain/alerts/transitions.ts';
import { alertsOfVm, at, sample, series, T0, transitionsOfVm } from './support/alerts.ts';
import { vmsTest as test } from './support/fixtures.ts';

const iso = (seconds: number) => at(seconds).toISOString();

describe('the lifecycle as samples arrive (default rule: CPU > 90 % for 5 min, HIGH)', () => {
  test('for-duration: a breach opens PENDING; it fires only once the condition has held 5 min, with respondBy 1 h later', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const evaluator = h.subgraph.alerting.evaluator;
    await evaluator.onSamples(series(vm!, 0, 280, { cpu_percent: 95, memory_percent: 40 }));
    let alerts = await alertsOfVm(h.db, vm!.id);
    expect(alerts.map((a) => [a.status, a.started_at.toISOString(), a.fired_at, a.value])).toEqual([['PENDING', iso(0), null, 95]]);

    await evaluator.onSamples([sample(vm!, 300, { cpu_percent: 96.5 })]);
    alerts = await alertsOfVm(h.db, vm!.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'FIRING', severity: 'HIGH', value: 96.5, fired_at: at(300), respond_by: at(300 + 3600), resolved_at: null });
    expect((await transitionsOfVm(h.db, vm!.id)).log).toEqual([`∅→PENDING@${iso(0)}`, `PENDING→FIRING@${iso(300)}`]);
  });

  test('a PENDING alert whose condition clears is RESOLVED without ever firing (firedAt null, CLEARED)', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    await h.subgraph.alerting.evaluator.onSamples([...series(vm!, 0, 100, { cpu_percent: 95 }), sample(vm!, 120, { cpu_percent: 50 })]);
    const alerts = await alertsOfVm(h.db, vm!.id);
    expect(alerts.map((a) => [a.status, a.fired_at, a.resolved_at?.toISOString(), a.resolution])).toEqual([['RESOLVED', null, iso(120), 'CLEARED']]);
    expect((await transitionsOfVm(h.db, vm!.id)).log).toEqual([`∅→PENDING@${iso(0)}`, `PENDING→RESOLVED@${iso(120)}`]);
  });

  test('auto-resolve: a firing alert resolves once clear for the for-duration; a breach in between restarts the clear timer', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const evaluator = h.subgraph.alerting.evaluator;
    await evaluator.onSamples(series(vm!, 0, 300, { cpu_percent: 95 }));
    await evaluator.onSamples(series(vm!, 320, 560, { cpu_percent: 10 })); // clear for 240 s: not yet
    expect((await alertsOfVm(h.db, vm!.id)).map((a) => a.status)).toEqual(['FIRING']);
    await evaluator.onSamples([sample(vm!, 580, { cpu_percent: 99 })]); // breached again: the clock restarts
    await evaluator.onSamples(series(vm!, 600, 880, { cpu_percent: 10 })); // clear for 280 s since 600
    expect((await alertsOfVm(h.db, vm!.id)).map((a) => [a.status, a.value])).toEqual([['FIRING', 99]]);
    await evaluator.onSamples([sample(vm!, 900, { cpu_percent: 12 })]); // clear for 300 s
    const [alert] = await alertsOfVm(h.db, vm!.id);
    expect([alert!.status, alert!.resolved_at, alert!.resolution]).toEqual(['RESOLVED', at(900), 'CLEARED']);
    expect((await transitionsOfVm(h.db, vm!.id)).log).toEqual([`∅→PENDING@${iso(0)}`, `PENDING→FIRING@${iso(300)}`, `FIRING→RESOLVED@${iso(900)}`]);
    // A new breach after resolution is a new alert.
    await evaluator.onSamples([sample(vm!, 920, { cpu_percent: 97 })]);
    expect((await alertsOfVm(h.db, vm!.id)).map((a) => a.status)).toEqual(['RESOLVED', 'PENDING']);
  });

  test('samples no newer than an alert has seen (a redelivered batch) change nothing', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const evaluator = h.subgraph.alerting.evaluator;
    const batch = series(vm!, 0, 300, { cpu_percent: 95 });
    await evaluator.onSamples(batch);
    await evaluator.onSamples(batch);
    await evaluator.onSamples([sample(vm!, 100, { cpu_percent: 5 })]);
    expect((await alertsOfVm(h.db, vm!.id)).map((a) => a.status)).toEqual(['FIRING']);
    expect((await transitionsOfVm(h.db, vm!.id)).log).toEqual([`∅→PENDING@${iso(0)}`, `PENDING→FIRING@${iso(300)}`]);
  });
});

describe('at most one open alert per rule and VM', () => {
  test('8 concurrent batches breaching the same VMs: one alert per VM and rule, one PENDING transition each', async ({ vms: h }) => {
    const vms = await h.addVms(h.orgs.customerA, 5);
    const evaluator = h.subgraph.alerting.evaluator;
    // Every batch carries every VM (one instant each), so the batches contend on the same rows.
    await Promise.all(Array.from({ length: 8 }, (_, i) => evaluator.onSamples(vms.map((vm) => sample(vm, i * 20, { cpu_percent: 95 })))));
    for (const vm of vms) {
      const alerts = await alertsOfVm(h.db, vm.id);
      expect(alerts.map((a) => [a.kind, a.status])).toEqual([['THRESHOLD', 'PENDING']]);
      const { log } = await transitionsOfVm(h.db, vm.id);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatch(/^∅→PENDING@/);
    }
  });

  test('with a 0 s override rule, 8 concurrent batches fire once: ∅→PENDING→FIRING, one alert', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    await h.subgraph.alerting.alerts.createRule({
      organizationId: vm!.organizationId,
      vmId: vm!.id,
      metric: 'memory_percent',
      comparator: 'GTE',
      threshold: 80,
      forSeconds: 0,
      severity: 'CRITICAL',
      enabled: true,
    });
    await Promise.all(Array.from({ length: 8 }, (_, i) => h.subgraph.alerting.evaluator.onSamples([sample(vm!, i * 20, { memory_percent: 80 })])));
    const alerts = await alertsOfVm(h.db, vm!.id);
    expect(alerts.map((a) => [a.status, a.severity])).toEqual([['FIRING', 'CRITICAL']]);
    expect(alerts[0]!.respond_by!.getTime() - alerts[0]!.fired_at!.getTime()).toBe(15 * 60_000);
    expect((await transitionsOfVm(h.db, vm!.id)).log.map((l) => l.split('@')[0])).toEqual(['∅→PENDING', 'PENDING→FIRING']);
  });

  test('the partial unique index refuses a second open alert for the same rule and VM (ON CONFLICT skips it)', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    await h.subgraph.alerting.evaluator.onSamples([sample(vm!, 0, { cpu_percent: 95 })]);
    const [open] = await alertsOfVm(h.db, vm!.id);
    const full = (await h.subgraph.alerting.alerts.byIds([open!.id]))[0]!;
    const inserted = await inTransaction(h.db, (trx) => insertAlerts(trx, [{ ...full, id: newId() }]));
    expect(inserted.size).toBe(0);
    expect(await alertsOfVm(h.db, vm!.id)).toHaveLength(1);
  });
});

describe('the outbox and the transition log', () => {
  test('every transition is one vms.alert.changed event carrying the alert_events seq, written with the change', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const evaluator = h.subgraph.alerting.evaluator;
    await evaluator.onSamples(series(vm!, 0, 300, { cpu_percent: 95 }));
    const [row] = await alertsOfVm(h.db, vm!.id);
    const alert = (await h.subgraph.alerting.alerts.byIds([row!.id]))[0]!;
    await h.subgraph.alerting.alerts.acknowledge(alert, 'user-42');
    await evaluator.onSamples(series(vm!, 320, 620, { cpu_percent: 20 }));
    const { log, seqs, outbox } = await transitionsOfVm(h.db, vm!.id);
    expect(log.map((l) => l.split('@')[0])).toEqual(['∅→PENDING', 'PENDING→FIRING', 'FIRING→ACKNOWLEDGED', 'ACKNOWLEDGED→RESOLVED']);
    const ruleId = row!.rule_key;
    const base = { alertId: row!.id, organizationId: h.orgs.customerA, vmId: vm!.id, ruleId, kind: 'THRESHOLD', metric: 'cpu_percent', severity: 'HIGH' };
    expect(outbox.map((o) => o.topic)).toEqual(['vms.alert.changed', 'vms.alert.changed', 'vms.alert.changed', 'vms.alert.changed']);
    expect(outbox.map((o) => ({ ...o.payload, at: 'checked below' }))).toEqual([
      { ...base, fromStatus: null, toStatus: 'PENDING', at: 'checked below', seq: seqs[0] },
      { ...base, fromStatus: 'PENDING', toStatus: 'FIRING', at: 'checked below', seq: seqs[1] },
      { ...base, fromStatus: 'FIRING', toStatus: 'ACKNOWLEDGED', at: 'checked below', seq: seqs[2] },
      { ...base, fromStatus: 'ACKNOWLEDGED', toStatus: 'RESOLVED', at: 'checked below', seq: seqs[3] },
    ]);
    expect([outbox[0]!.payload['at'], outbox[1]!.payload['at'], outbox[3]!.payload['at']]).toEqual([iso(0), iso(300), iso(620)]);
    // The replay a subscription resumes from: everything after the first transition, oldest first.
    const replay = await h.subgraph.alerting.alerts.listAfter([h.orgs.customerA], seqs[0]!, 100);
    const mine = replay.filter((t) => t.vmId === vm!.id);
    expect(mine.map((t) => [t.seq, t.toStatus])).toEqual([
      [seqs[1], 'FIRING'],
      [seqs[2], 'ACKNOWLEDGED'],
      [seqs[3], 'RESOLVED'],
    ]);
    expect(await h.subgraph.alerting.alerts.listAfter([h.orgs.customerB], '0', 100)).toEqual([]);
    const subtree = await h.subgraph.alerting.alerts.listAfter([h.orgs.resellerA], seqs[0]!, 100, 'SUBTREE');
    expect(subtree.filter((t) => t.vmId === vm!.id)).toHaveLength(3);
  });

  test('listeners hear committed transitions in order; a failing listener is logged and the others still hear', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const heard: LoggedAlertTransition[] = [];
    const removeGood = h.subgraph.alerting.transitions.add({ onTransitions: async (t) => void heard.push(...t) });
    const removeBad = h.subgraph.alerting.transitions.add({
      onTransitions: async () => {
        throw new Error('listener down');
      },
    });
    try {
      await h.subgraph.alerting.evaluator.onSamples(series(vm!, 0, 300, { cpu_percent: 99 }));
    } finally {
      removeGood();
      removeBad();
    }
    const mine = heard.filter((t) => t.vmId === vm!.id);
    expect(mine.map((t) => [t.fromStatus, t.toStatus, t.at.toISOString()])).toEqual([
      [null, 'PENDING', iso(0)],
      ['PENDING', 'FIRING', iso(300)],
    ]);
    expect(mine.map((t) => t.seq)).toEqual((await transitionsOfVm(h.db, vm!.id)).seqs);
  });
});

describe('rules: defaults per organisation, overrides per VM', () => {
  test('an override replaces the default of its metric (the open default alert resolves RULE_CHANGED); a disabled one silences it', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const { evaluator, alerts } = h.subgraph.alerting;
    await evaluator.onSamples([sample(vm!, 0, { cpu_percent: 95 })]);
    const override = await alerts.createRule({
      organizationId: vm!.organizationId,
      vmId: vm!.id,
      metric: 'cpu_percent',
      comparator: 'GT',
      threshold: 99,
      forSeconds: 0,
      severity: 'CRITICAL',
      enabled: true,
    });
    await alerts.createRule({
      organizationId: vm!.organizationId,
      vmId: vm!.id,
      metric: 'memory_percent',
      comparator: 'GT',
      threshold: 95,
      forSeconds: 0,
      severity: 'LOW',
      enabled: false,
    });
    await evaluator.onSamples([sample(vm!, 20, { cpu_percent: 95, memory_percent: 99 })]);
    let rows = await alertsOfVm(h.db, vm!.id);
    expect(rows.map((a) => [a.status, a.resolution])).toEqual([['RESOLVED', 'RULE_CHANGED']]);
    await evaluator.onSamples([sample(vm!, 40, { cpu_percent: 99.5, memory_percent: 99 })]);
    rows = await alertsOfVm(h.db, vm!.id);
    expect(rows.map((a) => [a.rule_key, a.status, a.severity])).toEqual([
      [rows[0]!.rule_key, 'RESOLVED', 'HIGH'],
      [override.id, 'FIRING', 'CRITICAL'],
    ]);
    expect(rows[1]!.respond_by).toEqual(new Date(at(40).getTime() + 15 * 60_000));
  });

  test("an organisation's defaults are seeded once, on its first sample; deleting them does not bring them back", async ({ vms: h, tree }) => {
    const org = tree.directory.add(newId(), 'CUSTOMER', h.orgs.resellerA);
    const [vm] = await h.addVms(org, 1);
    const { evaluator, alerts } = h.subgraph.alerting;
    await evaluator.onSamples([sample(vm!, 0, { cpu_percent: 10 })]);
    await evaluator.onSamples([sample(vm!, 20, { cpu_percent: 10 })]);
    const rules = (await alerts.rulePages([org], 10, null)).get(org)!;
    expect(rules.map((r) => [r.metric, r.comparator, r.threshold, r.forSeconds, r.severity, r.vmId, r.enabled])).toEqual([
      ['cpu_percent', 'GT', 90, 300, 'HIGH', null, true],
      ['memory_percent', 'GT', 95, 300, 'HIGH', null, true],
    ]);
    for (const r of rules) await alerts.deleteRule(r.id);
    await evaluator.onSamples([sample(vm!, 40, { cpu_percent: 100 })]);
    expect((await alerts.rulePages([org], 10, null)).get(org)).toEqual([]);
    expect(await alertsOfVm(h.db, vm!.id)).toEqual([]);
  });

  test('samples of VMs the inventory does not know are ignored', async ({ vms: h }) => {
    const ghost = { ...(await h.addVms(h.orgs.customerA, 1))[0]!, id: newId() };
    await h.subgraph.alerting.evaluator.onSamples([sample(ghost, 0, { cpu_percent: 100 })]);
    expect(await alertsOfVm(h.db, ghost.id)).toEqual([]);
  });
});

describe('cost', () => {
  test('a batch of 200 samples (50 VMs) costs the same SQL statements as a batch of 10', async ({ vms: h }) => {
    let statements = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        statements += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const evaluator = new AlertEvaluator(h.db.withPlugin(counting), new AlertTransitions(createLogger({ service: 'test' }, 'error')), 60);
    const small = await h.addVms(h.orgs.customerA, 10);
    const large = await h.addVms(h.orgs.customerA, 50);
    // A first batch seeds customerA's defaults once (the evaluator then knows they are there); both measured
    // batches open alerts on every VM.
    await evaluator.onSamples([sample(small[0]!, -20, { cpu_percent: 10 })]);
    statements = 0;
    await evaluator.onSamples(small.map((vm) => sample(vm, 0, { cpu_percent: 95 })));
    const forSmall = statements;
    statements = 0;
    await evaluator.onSamples(large.flatMap((vm) => [0, 20, 40, 60].map((s) => sample(vm, s, { cpu_percent: 95 }))));
    expect(statements).toBe(forSmall);
    // A first look without locks (the batch's open alerts; the rules), then for the VMs that change, in one
    // transaction: last-seen rows locked, open alerts locked, new alerts, alert_events, outbox (no open alert to update).
    expect(forSmall).toBe(7);
    expect((await alertsOfVm(h.db, large[49]!.id)).map((a) => a.status)).toEqual(['PENDING']);
    // A batch that changes nothing (below every threshold) is the first look alone: no transaction, no write
    // (ingest records last-seen times with the samples).
    const quiet = await h.addVms(h.orgs.customerA, 20);
    statements = 0;
    await evaluator.onSamples(quiet.map((vm) => sample(vm, 0, { cpu_percent: 10 })));
    expect(statements).toBe(2);
    statements = 0;
    await evaluator.onSamples(quiet.map((vm) => sample(vm, 20, { cpu_percent: 12 })));
    expect(statements).toBe(2);
    // ...and takes no lock: it goes through while another transaction holds a quiet VM's last-seen row.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = inTransaction(h.db, async (trx) => {
      await sql`select 1 from vm_telemetry_seen where vm_id = ${quiet[0]!.id} for update`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    const outcome = await Promise.race([
      evaluator.onSamples(quiet.map((vm) => sample(vm, 40, { cpu_percent: 11 }))).then(() => 'done'),
      new Promise((resolve) => setTimeout(() => resolve('blocked'), 3000)),
    ]);
    release();
    await holder;
    expect(outcome).toBe('done');
  });
});

describe('respondBy', () => {
  const sast = (local: string) => new Date(`${local}+02:00`);
  test('CRITICAL 15 min, HIGH 1 h, MEDIUM 4 h after firing', () => {
    const fired = new Date('2026-11-27T10:00:00Z');
    expect(respondBy('CRITICAL', fired).toISOString()).toBe('2026-11-27T10:15:00.000Z');
    expect(respondBy('HIGH', fired).toISOString()).toBe('2026-11-27T11:00:00.000Z');
    expect(respondBy('MEDIUM', fired).toISOString()).toBe('2026-11-27T14:00:00.000Z');
  });
  test('LOW: 09:00 Africa/Johannesburg on the next weekday', () => {
    // Wednesday 08:00 → Thursday 09:00; Friday 17:00 → Monday 09:00; Saturday and Sunday → Monday 09:00.
    expect(respondBy('LOW', sast('2026-11-25T08:00:00'))).toEqual(sast('2026-11-26T09:00:00'));
    expect(respondBy('LOW', sast('2026-11-27T17:00:00'))).toEqual(sast('2026-11-30T09:00:00'));
    expect(respondBy('LOW', sast('2026-11-28T12:00:00'))).toEqual(sast('2026-11-30T09:00:00'));
    expect(respondBy('LOW', sast('2026-11-29T23:30:00'))).toEqual(sast('2026-11-30T09:00:00'));
    // 23:30 UTC on Thursday is already Friday 01:30 in Johannesburg: next business day is Monday.
    expect(respondBy('LOW', new Date('2026-11-26T23:30:00Z'))).toEqual(sast('2026-11-30T09:00:00'));
    expect(T0).toBe(Date.parse('2026-11-29T08:00:00Z'));
  });
});
