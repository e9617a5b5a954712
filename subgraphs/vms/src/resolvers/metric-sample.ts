import type { MetricSampleResolvers } from '../__generated__/resolvers-types.ts';

export const MetricSample: MetricSampleResolvers = {
  cpuPercent: (s) => s.values.cpu_percent,
  memoryPercent: (s) => s.values.memory_percent,
  diskReadBytesPerSecond: (s) => s.values.disk_read_bytes_per_second,
  diskWriteBytesPerSecond: (s) => s.values.disk_write_bytes_per_second,
  networkReceiveBytesPerSecond: (s) => s.values.network_receive_bytes_per_second,
  networkTransmitBytesPerSecond: (s) => s.values.network_transmit_bytes_per_second,
};
