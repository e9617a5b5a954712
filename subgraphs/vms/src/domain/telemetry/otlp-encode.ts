import type { MetricName } from './samples.ts';

/** A VM-instant as a collector would report it: the VM by `vcenter.vm.id`, throughput in bytes per second. */
export interface OutgoingSample {
  readonly vmRef: string;
  readonly at: Date;
  readonly values: Partial<Readonly<Record<MetricName, number>>>;
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const nanos = (at: Date) => `${BigInt(at.getTime()) * 1_000_000n}`;

/**
 * OTLP/HTTP JSON in the shape the Collector's vCenter receiver produces (one resource per VM, gauges,
 * throughput in {KiBy/s} with a `direction` attribute): what the simulator sends, so the platform is fed
 * exactly as a stock Collector would feed it.
 */
export function encodeOtlpMetrics(samples: readonly OutgoingSample[]): unknown {
  const byVm = new Map<string, OutgoingSample[]>();
  for (const s of samples) {
    const list = byVm.get(s.vmRef);
    if (list) list.push(s);
    else byVm.set(s.vmRef, [s]);
  }
  return {
    resourceMetrics: [...byVm].map(([vmRef, list]) => {
      const gauge = (name: string, unit: string, points: { at: Date; value: number | undefined; attrs?: { key: string; value: unknown }[] }[]) => ({
        name,
        unit,
        gauge: {
          dataPoints: points
            .filter((p) => p.value !== undefined)
            .map((p) => ({ timeUnixNano: nanos(p.at), asDouble: p.value, ...(p.attrs ? { attributes: p.attrs } : {}) })),
        },
      });
      const kib = (v: number | undefined) => (v === undefined ? undefined : v / 1024);
      const metrics = [
        gauge(
          'vcenter.vm.cpu.utilization',
          '%',
          list.map((s) => ({ at: s.at, value: s.values.cpu_percent })),
        ),
        gauge(
          'vcenter.vm.memory.utilization',
          '%',
          list.map((s) => ({ at: s.at, value: s.values.memory_percent })),
        ),
        gauge('vcenter.vm.disk.throughput', '{KiBy/s}', [
          ...list.map((s) => ({ at: s.at, value: kib(s.values.disk_read_bytes_per_second), attrs: [str('direction', 'read')] })),
          ...list.map((s) => ({ at: s.at, value: kib(s.values.disk_write_bytes_per_second), attrs: [str('direction', 'write')] })),
        ]),
        gauge('vcenter.vm.network.throughput', '{KiBy/s}', [
          ...list.map((s) => ({ at: s.at, value: kib(s.values.network_receive_bytes_per_second), attrs: [str('direction', 'received')] })),
          ...list.map((s) => ({ at: s.at, value: kib(s.values.network_transmit_bytes_per_second), attrs: [str('direction', 'transmitted')] })),
        ]),
      ].filter((m) => m.gauge.dataPoints.length > 0);
      return {
        resource: { attributes: [str('vcenter.vm.id', vmRef)] },
        scopeMetrics: [{ scope: { name: 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/vcenterreceiver' }, metrics }],
      };
    }),
  };
}
