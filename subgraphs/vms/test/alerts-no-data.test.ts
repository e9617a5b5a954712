import { describe, expect } from 'vitest';
import { inTransaction } from '@platform/kernel';
import { changeVm } from '../src/db/vm-repository.ts';
import { alertsOfVm, arrive, sample, transitionsOfVm } from './support/alerts.ts';
import { vmsTest as test } from './support/fixtures.ts';

// The scan is called with an explicit `now`; samples are placed relative to it. VMS_ALERT_NO_DATA_SECONDS is 120 (the default).
const NOW = Date.parse('2026-11-29T09:00:00.000Z');
const ago = (seconds: number) => -seconds;
const now = new Date(NOW);

describe('"no data": a running VM that was reporting and went silent', () => {
  test('silent for more than 120 s: one FIRING NO_DATA alert (HIGH, respondBy 1 h), not raised twice; data returning resolves it', async ({ vms: h }) => {
    const [silent, recent, neverReported] = await h.addVms(h.orgs.customerA, 3);
    const { evaluator, noData } = h.subgraph.alerting;
    await arrive(h.db, evaluator, [sample(silent!, ago(300), { cpu_percent: 10 }, NOW), sample(recent!, ago(60), { cpu_percent: 10 }, NOW)]);
    await noData.scan(now);
    await noData.scan(new Date(NOW + 60_000));
    const alerts = await alertsOfVm(h.db, silent!.id);
    expect(alerts.map((a) => [a.kind, a.rule_key, a.status, a.severity, a.started_at, a.fired_at, a.respond_by])).toEqual([
      ['NO_DATA', 'no-data', 'FIRING', 'HIGH', new Date(NOW - 300_000), now, new Date(NOW + 3600_000)],
    ]);
    expect(await alertsOfVm(h.db, recent!.id)).toEqual([]);
    expect(await alertsOfVm(h.db, neverReported!.id)).toEqual([]);

    // An old sample (a backfill from before the silence) does not end it; a new one does.
    await arrive(h.db, evaluator, [sample(silent!, ago(400), { cpu_percent: 10 }, NOW)]);
    expect((await alertsOfVm(h.db, silent!.id)).map((a) => a.status)).toEqual(['FIRING']);
    await arrive(h.db, evaluator, [sample(silent!, 90, { cpu_percent: 10 }, NOW)]);
    const [resolved] = await alertsOfVm(h.db, silent!.id);
    expect([resolved!.status, resolved!.resolution, resolved!.resolved_at]).toEqual(['RESOLVED', 'DATA_RETURNED', new Date(NOW + 90_000)]);
    const { log, outbox } = await transitionsOfVm(h.db, silent!.id);
    expect(log).toEqual([`∅→FIRING@${now.toISOString()}`, `FIRING→RESOLVED@${new Date(NOW + 90_000).toISOString()}`]);
    expect(outbox.map((o) => [o.payload['kind'], o.payload['ruleId'], o.payload['metric'], o.payload['toStatus']])).toEqual([
      ['NO_DATA', null, null, 'FIRING'],
      ['NO_DATA', null, null, 'RESOLVED'],
    ]);
  });

  test('concurrent scans (two replicas) raise one alert per silent VM', async ({ vms: h }) => {
    const vms = await h.addVms(h.orgs.customerB, 4);
    await arrive(
      h.db,
      h.subgraph.alerting.evaluator,
      vms.map((vm) => sample(vm, ago(600), { memory_percent: 10 }, NOW)),
    );
    const later = new Date(NOW + 1000);
    await Promise.all(Array.from({ length: 4 }, () => h.subgraph.alerting.noData.scan(later)));
    for (const vm of vms) expect((await alertsOfVm(h.db, vm.id)).map((a) => [a.kind, a.status])).toEqual([['NO_DATA', 'FIRING']]);
  });

  test('a VM that is not RUNNING raises nothing, and its open alerts resolve as VM_NOT_RUNNING', async ({ vms: h }) => {
    const [vm, stoppedBefore] = await h.addVms(h.orgs.customerA2, 2);
    const { evaluator, noData } = h.subgraph.alerting;
    // A firing CPU alert on vm, then the VM stops; stoppedBefore reported, then was stopped.
    await arrive(h.db, evaluator, [
      ...[0, 20, 40].map((s) => sample(vm!, ago(900 - s), { cpu_percent: 99 }, NOW)),
      sample(vm!, ago(500), { cpu_percent: 99 }, NOW),
    ]);
    await arrive(h.db, evaluator, [sample(stoppedBefore!, ago(600), { cpu_percent: 5 }, NOW)]);
    const stop = (id: string) =>
      inTransaction(h.db, (trx) => changeVm(trx, id, ['RUNNING'], { status: 'STOPPED', powerState: 'POWERED_OFF', at: new Date(NOW - 450_000) }));
    await stop(vm!.id);
    await stop(stoppedBefore!.id);
    await noData.scan(now);
    const rows = await alertsOfVm(h.db, vm!.id);
    expect(rows.map((a) => [a.kind, a.status, a.resolution, a.resolved_at])).toEqual([['THRESHOLD', 'RESOLVED', 'VM_NOT_RUNNING', now]]);
    expect(await alertsOfVm(h.db, stoppedBefore!.id)).toEqual([]);
    expect((await transitionsOfVm(h.db, vm!.id)).log.map((l) => l.split('@')[0])).toEqual(['∅→PENDING', 'PENDING→FIRING', 'FIRING→RESOLVED']);
  });

  test('a VM started again after a silence gets its grace period from the start, not from its old last sample', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1, { status: 'STOPPED', powerState: 'POWERED_OFF' });
    await inTransaction(h.db, (trx) => changeVm(trx, vm!.id, ['STOPPED'], { status: 'RUNNING', powerState: 'POWERED_ON', at: new Date(NOW - 3600_000) }));
    await arrive(h.db, h.subgraph.alerting.evaluator, [sample(vm!, ago(7200), { cpu_percent: 5 }, NOW)]);
    await inTransaction(h.db, (trx) => changeVm(trx, vm!.id, ['RUNNING'], { status: 'RUNNING', powerState: 'POWERED_ON', at: new Date(NOW - 30_000) }));
    await h.subgraph.alerting.noData.scan(now);
    expect(await alertsOfVm(h.db, vm!.id)).toEqual([]);
    await h.subgraph.alerting.noData.scan(new Date(NOW + 120_000));
    expect((await alertsOfVm(h.db, vm!.id)).map((a) => a.kind)).toEqual(['NO_DATA']);
  });
});
