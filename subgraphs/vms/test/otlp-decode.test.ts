import { describe, expect, test } from 'vitest';
import { decodeOtlpMetrics } from '../src/domain/telemetry/otlp-decode.ts';

const VM = '0193a1b2-0000-7000-8000-000000000001';
const cpuAt = (timeUnixNano: unknown) => ({
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'vcenter.vm.id', value: { stringValue: VM } }] },
      scopeMetrics: [{ metrics: [{ name: 'vcenter.vm.cpu.utilization', unit: '%', gauge: { dataPoints: [{ timeUnixNano, asDouble: 7 }] } }] }],
    },
  ],
});

describe('OTLP timeUnixNano', () => {
  test('a decimal string of nanoseconds is read to the millisecond, sub-millisecond digits dropped; a number likewise', () => {
    const at = (t: unknown) => decodeOtlpMetrics(cpuAt(t)).points.map((p) => p.atMs);
    expect(at('1764403200123456789')).toEqual([1764403200123]);
    expect(at('1764403200123999999')).toEqual([1764403200123]);
    expect(at('00001764403200123000000')).toEqual([]); // more than 20 digits: not a time
    expect(at(1764403200123456789)).toEqual([1764403200123]);
    expect(at('1000000')).toEqual([1]);
  });

  test('absent, zero, under a millisecond, signed, fractional or not digits: the point is malformed, the reason named', () => {
    for (const t of [undefined, '0', '999999', '-1764403200123456789', '1764403200123456789.5', '17644032001234567x9', '', 0, -5]) {
      const batch = decodeOtlpMetrics(cpuAt(t));
      expect([batch.points.length, batch.malformed.map((m) => m.reason)], String(t)).toEqual([
        0,
        ['vcenter.vm.cpu.utilization: timeUnixNano is missing or not a time'],
      ]);
    }
  });
});

describe('OTLP envelope errors name the field', () => {
  test('a metrics list that is not an array names its full path', () => {
    expect(() => decodeOtlpMetrics({ resourceMetrics: [{ scopeMetrics: [{ metrics: {} }] }] })).toThrow('resourceMetrics[0].scopeMetrics[0].metrics');
    expect(() => decodeOtlpMetrics({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x', gauge: { dataPoints: 5 } }] }] }] })).toThrow(
      'resourceMetrics[0].scopeMetrics[0].metrics[0].dataPoints',
    );
    expect(() => decodeOtlpMetrics({ resourceMetrics: [{ scopeMetrics: [{ metrics: [7] }] }] })).toThrow('resourceMetrics[0].scopeMetrics[0].metrics[0]');
  });
});
