import { newId } from '@platform/kernel';
import { describe, expect, test } from 'vitest';
import { decodeOtlpMetrics } from '../src/domain/telemetry/otlp-decode.ts';
import { encodeOtlpMetrics } from '../src/domain/telemetry/otlp-encode.ts';
import { dailyWave, profileOf, simulatedSample } from '../src/domain/telemetry/simulator.ts';

const ids = Array.from({ length: 2000 }, () => newId());

describe('the demo telemetry simulator', () => {
  test('a VM keeps its profile across restarts (derived from its id)', () => {
    expect(profileOf(ids[0]!)).toEqual(profileOf(ids[0]!));
    expect(profileOf(ids[0]!)).not.toEqual(profileOf(ids[1]!));
  });

  test('values stay in range; a few VMs cross 90 % CPU at their daily peak, most never do', () => {
    let crossing = 0;
    for (const id of ids) {
      const profile = profileOf(id);
      const peak = new Date(Date.UTC(2026, 10, 29, Math.floor(profile.peakHour) - 2, Math.round((profile.peakHour % 1) * 60)));
      expect(dailyWave(profile, peak)).toBeGreaterThan(0.99);
      const quiet = (i: number) => () => [0.5, 0.5, 0.5][i % 3]!; // no noise, no burst
      const sample = simulatedSample(profile, peak, quiet(0));
      for (const [metric, value] of Object.entries(sample)) {
        expect(value, metric).toBeGreaterThanOrEqual(0);
        if (metric.endsWith('_percent')) expect(value, metric).toBeLessThanOrEqual(100);
      }
      if (sample.cpu_percent > 90) crossing += 1;
    }
    // About one in forty is a hot VM: between 1 % and 5 % of 2,000.
    expect(crossing).toBeGreaterThan(20);
    expect(crossing).toBeLessThan(100);
  });

  test('what it sends decodes back to the same values (the vCenter receiver shape, KiB/s on the wire)', () => {
    const at = new Date('2026-11-29T10:00:00Z');
    const values = simulatedSample(profileOf(ids[0]!), at);
    const decoded = decodeOtlpMetrics(JSON.parse(JSON.stringify(encodeOtlpMetrics([{ vmRef: ids[0]!, at, values }]))));
    expect(decoded.malformed).toEqual([]);
    expect(decoded.ignored).toBe(0);
    const back = Object.fromEntries(decoded.points.map((p) => [p.metric, p.value]));
    for (const [metric, value] of Object.entries(values)) expect(back[metric], metric).toBeCloseTo(value, 6);
    expect(new Set(decoded.points.map((p) => [p.vmRef, p.atMs].join('|')))).toEqual(new Set([`${ids[0]}|${at.getTime()}`]));
  });
});
