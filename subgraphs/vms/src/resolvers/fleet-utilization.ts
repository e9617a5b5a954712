import type { FleetUtilizationResolvers } from '../__generated__/resolvers-types.ts';
import type { MetricName } from '../domain/telemetry/samples.ts';
import type { FleetUtilizationReport } from '../domain/telemetry/telemetry-types.ts';

const summary = (u: FleetUtilizationReport, m: MetricName) => ({ avg: u.avg[m], max: u.max[m] });

export const FleetUtilization: FleetUtilizationResolvers = {
  cpuPercent: (u) => summary(u, 'cpu_percent'),
  memoryPercent: (u) => summary(u, 'memory_percent'),
  diskReadBytesPerSecond: (u) => summary(u, 'disk_read_bytes_per_second'),
  diskWriteBytesPerSecond: (u) => summary(u, 'disk_write_bytes_per_second'),
  networkReceiveBytesPerSecond: (u) => summary(u, 'network_receive_bytes_per_second'),
  networkTransmitBytesPerSecond: (u) => summary(u, 'network_transmit_bytes_per_second'),
};
