import { describe, expect, test } from 'vitest';
import { assessHealth } from '../src/domain/telemetry/health.ts';
import type { OpenAlertSummary } from '../src/domain/telemetry/samples.ts';

const now = new Date('2026-11-29T12:00:00Z');
const latest = { vmId: 'vm', at: new Date(now.getTime() - 20_000), values: {} as never };
const calm = { samples: 15, cpuAvg: 20, memoryAvg: 30, diskAvg: 1024 };
const alert = (severity: OpenAlertSummary['severity'], status: OpenAlertSummary['status']): OpenAlertSummary => ({
  vmId: 'vm',
  severity,
  status,
  title: `${severity} cpu`,
});

describe('assessHealth', () => {
  test('firing and acknowledged alerts weigh by severity; pending ones do not count yet', () => {
    const h = assessHealth({
      status: 'RUNNING',
      latest,
      recent: calm,
      alerts: [alert('HIGH', 'FIRING'), alert('LOW', 'ACKNOWLEDGED'), alert('CRITICAL', 'PENDING')],
      now,
    });
    expect(h).toEqual({
      score: 70,
      status: 'DEGRADED',
      reasons: ['HIGH alert firing: HIGH cpu', 'LOW alert acknowledged: LOW cpu'],
      lastSampleAt: latest.at,
    });
  });

  test('disk pressure and a critical alert take it under 50: CRITICAL; the score never goes below 0', () => {
    const h = assessHealth({
      status: 'RUNNING',
      latest,
      recent: { samples: 15, cpuAvg: 99, memoryAvg: 99, diskAvg: 500 * 1024 * 1024 },
      alerts: [alert('CRITICAL', 'FIRING')],
      now,
    });
    expect([h.score, h.status, h.reasons.length]).toEqual([0, 'CRITICAL', 4]);
    expect(h.reasons[2]).toBe('Disk throughput at 500 MiB/s (5-minute average).');
  });

  test('exactly 2 minutes of silence is still known; a moment more is UNKNOWN', () => {
    const at = (ms: number) => ({ ...latest, at: new Date(now.getTime() - ms) });
    expect(assessHealth({ status: 'RUNNING', latest: at(120_000), recent: calm, alerts: [], now }).status).toBe('HEALTHY');
    expect(assessHealth({ status: 'RUNNING', latest: at(120_001), recent: calm, alerts: [], now })).toEqual({
      score: null,
      status: 'UNKNOWN',
      reasons: ['No telemetry for 2 minutes.'],
      lastSampleAt: new Date(now.getTime() - 120_001),
    });
  });
});
