import { badInput } from '@platform/kernel';
import type { MetricName } from './samples.ts';

/**
 * OTLP/HTTP JSON metrics (ExportMetricsServiceRequest, proto3 JSON mapping) → flat data points under the
 * platform's metric names. Understands the OpenTelemetry Collector vCenter receiver: cpu and memory
 * utilisation (%), disk throughput by `direction` read|write and network throughput by `direction`
 * received|transmitted, in the unit the metric declares ({KiBy/s} by default, By/s, MiBy/s, kBy/s).
 * A malformed envelope is bad input for the whole request; a malformed data point is one rejection.
 * Metrics the platform does not keep are counted as ignored (they are not errors: a stock receiver sends many).
 */

/** A data point, decoded but not yet checked against the VM inventory or the clock. */
export interface DecodedPoint {
  /** `vcenter.vm.id` (instance UUID or our id) or `platform.vm.id` of its resource. */
  readonly vmRef: string | null;
  readonly metric: MetricName;
  /** Per-disk / per-vNIC points carry `object`; they add up to the VM's throughput. */
  readonly object: string | null;
  readonly atMs: number;
  readonly value: number;
}

export interface DecodedBatch {
  readonly points: DecodedPoint[];
  /** Points that could not be read, with why. */
  readonly malformed: { readonly reason: string }[];
  readonly ignored: number;
}

const MAX_POINTS = 200_000;

const PERCENT: Record<string, MetricName> = {
  'vcenter.vm.cpu.utilization': 'cpu_percent',
  'vcenter.vm.memory.utilization': 'memory_percent',
};
const DIRECTIONS: Record<string, Record<string, MetricName>> = {
  'vcenter.vm.disk.throughput': { read: 'disk_read_bytes_per_second', write: 'disk_write_bytes_per_second' },
  'vcenter.vm.network.throughput': {
    received: 'network_receive_bytes_per_second',
    receive: 'network_receive_bytes_per_second',
    rx: 'network_receive_bytes_per_second',
    transmitted: 'network_transmit_bytes_per_second',
    transmit: 'network_transmit_bytes_per_second',
    tx: 'network_transmit_bytes_per_second',
  },
};

/** Bytes per second in one unit of the declared rate unit; null when the unit is not a byte rate. */
export function byteRateScale(unit: string): number | null {
  const u = unit.replace(/[{}]/g, '').trim();
  if (u === '' || u === 'KiBy/s') return 1024;
  const scales: Record<string, number> = { 'By/s': 1, 'kBy/s': 1000, 'KBy/s': 1000, 'MiBy/s': 1024 * 1024, 'MBy/s': 1_000_000 };
  return scales[u] ?? null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const listAt = (v: unknown, field: string | (() => string)): unknown[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badInput(typeof field === 'string' ? field : field(), 'must be an array.');
  return v;
};

/** An OTLP AnyValue's scalar as text (string, int as string or number, bool, double). */
function anyValueText(v: unknown): string | null {
  if (!isObject(v)) return null;
  for (const key of ['stringValue', 'intValue', 'doubleValue', 'boolValue']) {
    const x = v[key];
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return String(x);
  }
  return null;
}

function attribute(attributes: unknown, key: string): string | null {
  if (!Array.isArray(attributes)) return null;
  for (const a of attributes) if (isObject(a) && a['key'] === key) return anyValueText(a['value']);
  return null;
}

/**
 * timeUnixNano: a decimal string or number of nanoseconds → milliseconds; null when absent or not a time.
 * The string form drops its last six digits rather than going through a BigInt: milliseconds since 1970 fit a
 * double exactly, and a batch has thousands of points.
 */
function timeMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.floor(v / 1e6);
  if (typeof v === 'string' && NANOS.test(v)) {
    const ms = v.length > 6 ? Number(v.slice(0, -6)) : 0;
    return ms > 0 ? ms : null;
  }
  return null;
}
const NANOS = /^\d{1,20}$/;

/** asDouble / asInt (proto3 JSON: numbers, or strings for int64 and for NaN/Infinity). */
function pointValue(p: Record<string, unknown>): number | null {
  const raw = p['asDouble'] ?? p['asInt'];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : null;
}

export function decodeOtlpMetrics(body: unknown): DecodedBatch {
  if (!isObject(body)) throw badInput('body', 'must be an OTLP ExportMetricsServiceRequest (a JSON object with resourceMetrics).');
  const points: DecodedPoint[] = [];
  const malformed: { reason: string }[] = [];
  let ignored = 0;
  let seen = 0;
  // Field paths are only spelled out for an error: a batch has thousands of metrics.
  listAt(body['resourceMetrics'], 'resourceMetrics').forEach((rm, r) => {
    if (!isObject(rm)) throw badInput(`resourceMetrics[${r}]`, 'must be an object.');
    const resource = isObject(rm['resource']) ? rm['resource'] : {};
    const vmRef = attribute(resource['attributes'], 'vcenter.vm.id') ?? attribute(resource['attributes'], 'platform.vm.id');
    listAt(rm['scopeMetrics'], () => `resourceMetrics[${r}].scopeMetrics`).forEach((sm, s) => {
      if (!isObject(sm)) throw badInput(`resourceMetrics[${r}].scopeMetrics[${s}]`, 'must be an object.');
      listAt(sm['metrics'], () => `resourceMetrics[${r}].scopeMetrics[${s}].metrics`).forEach((metric, m) => {
        const field = () => `resourceMetrics[${r}].scopeMetrics[${s}].metrics[${m}]`;
        if (!isObject(metric)) throw badInput(field(), 'must be an object.');
        const name = typeof metric['name'] === 'string' ? metric['name'] : '';
        const data = isObject(metric['gauge']) ? metric['gauge'] : isObject(metric['sum']) ? metric['sum'] : null;
        const dataPoints = data ? listAt(data['dataPoints'], () => `${field()}.dataPoints`) : [];
        seen += dataPoints.length;
        if (seen > MAX_POINTS) throw badInput('resourceMetrics', `holds more than ${MAX_POINTS} data points; send smaller batches.`);
        const percent = PERCENT[name];
        const directions = DIRECTIONS[name];
        if (!percent && !directions) {
          ignored += dataPoints.length;
          return;
        }
        const unit = typeof metric['unit'] === 'string' ? metric['unit'] : '';
        const scale = percent ? (unit === '' || unit === '%' ? 1 : null) : byteRateScale(unit);
        for (const dp of dataPoints) {
          if (scale === null) {
            malformed.push({ reason: `${name}: unit ${JSON.stringify(unit)} is not supported` });
            continue;
          }
          if (!isObject(dp)) {
            malformed.push({ reason: `${name}: a data point is not an object` });
            continue;
          }
          const atMs = timeMs(dp['timeUnixNano']);
          const value = pointValue(dp);
          let target: MetricName | undefined = percent;
          if (directions) {
            const direction = attribute(dp['attributes'], 'direction');
            target = direction === null ? undefined : directions[direction.toLowerCase()];
            if (!target) {
              malformed.push({
                reason: `${name}: attribute direction ${direction === null ? 'is missing' : `${JSON.stringify(direction)} is not one we know`}`,
              });
              continue;
            }
          }
          if (atMs === null) malformed.push({ reason: `${name}: timeUnixNano is missing or not a time` });
          else if (value === null) malformed.push({ reason: `${name}: the value is missing or not a finite number` });
          else if (target) points.push({ vmRef, metric: target, object: attribute(dp['attributes'], 'object'), atMs, value: value * scale });
        }
      });
    });
  });
  return { points, malformed, ignored };
}
