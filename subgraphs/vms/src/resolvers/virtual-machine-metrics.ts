import type { VirtualMachineMetricsResolvers } from '../__generated__/resolvers-types.ts';
import { RESOLUTION_OF_TIER } from '../domain/telemetry/series-plan.ts';

export const VirtualMachineMetrics: VirtualMachineMetricsResolvers = {
  resolution: (s) => RESOLUTION_OF_TIER[s.plan.tier],
  stepSeconds: (s) => s.plan.stepSeconds,
  from: (s) => s.plan.from,
  to: (s) => s.plan.to,
  cpuPercent: (s) => s.metrics.cpu_percent,
  memoryPercent: (s) => s.metrics.memory_percent,
  diskReadBytesPerSecond: (s) => s.metrics.disk_read_bytes_per_second,
  diskWriteBytesPerSecond: (s) => s.metrics.disk_write_bytes_per_second,
  networkReceiveBytesPerSecond: (s) => s.metrics.network_receive_bytes_per_second,
  networkTransmitBytesPerSecond: (s) => s.metrics.network_transmit_bytes_per_second,
};
