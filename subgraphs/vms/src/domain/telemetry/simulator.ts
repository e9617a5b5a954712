import type { MetricName } from './samples.ts';

/**
 * The demo's telemetry: each VM gets a fixed profile derived from its id (so a restart continues the same
 * story), and a sample at time t follows a daily pattern (busier in South African office hours), noise and
 * the odd burst. About one VM in forty runs hot and crosses 90 % CPU at its daily peak, one in fifty runs
 * short of memory: the alert thresholds have something to catch.
 */
export interface VmProfile {
  readonly cpuBase: number;
  readonly cpuAmplitude: number;
  readonly memoryBase: number;
  readonly memoryAmplitude: number;
  /** Hour of the day (SAST) when the VM peaks. */
  readonly peakHour: number;
  /** Typical throughput, bytes per second. */
  readonly diskBytes: number;
  readonly networkBytes: number;
}

/** FNV-1a over the id, then a small LCG: deterministic per VM. */
function seeded(id: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  let s = h;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function profileOf(vmId: string): VmProfile {
  const r = seeded(vmId);
  const pick = r();
  const hotCpu = pick < 0.025;
  const hotMemory = pick >= 0.025 && pick < 0.045;
  return {
    cpuBase: hotCpu ? 80 + r() * 6 : 8 + r() * 37,
    cpuAmplitude: hotCpu ? 9 + r() * 4 : 5 + r() * 20,
    memoryBase: hotMemory ? 89 + r() * 4 : 25 + r() * 45,
    memoryAmplitude: 2 + r() * 6,
    peakHour: 9 + r() * 8,
    diskBytes: Math.round((0.2 + r() * 8) * 1024 * 1024),
    networkBytes: Math.round((0.05 + r() * 4) * 1024 * 1024),
  };
}

const SAST_OFFSET_HOURS = 2;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** −1…1: 1 at the VM's peak hour, −1 twelve hours later. */
export function dailyWave(profile: VmProfile, at: Date): number {
  const hour = (at.getTime() / 3_600_000 + SAST_OFFSET_HOURS) % 24;
  return Math.cos((2 * Math.PI * (hour - profile.peakHour)) / 24);
}

export function simulatedSample(profile: VmProfile, at: Date, random: () => number = Math.random): Record<MetricName, number> {
  const wave = dailyWave(profile, at);
  const burst = random() < 0.01 ? 20 + random() * 25 : 0;
  const load = 1 + 0.6 * wave;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    cpu_percent: round(clamp(profile.cpuBase + profile.cpuAmplitude * wave + (random() - 0.5) * 8 + burst, 0, 100)),
    memory_percent: round(clamp(profile.memoryBase + profile.memoryAmplitude * 0.5 * wave + (random() - 0.5) * 3, 0, 100)),
    disk_read_bytes_per_second: Math.round(profile.diskBytes * load * (0.6 + random() * 0.8) * (burst > 0 ? 3 : 1)),
    disk_write_bytes_per_second: Math.round(profile.diskBytes * 0.5 * load * (0.6 + random() * 0.8)),
    network_receive_bytes_per_second: Math.round(profile.networkBytes * load * (0.6 + random() * 0.8)),
    network_transmit_bytes_per_second: Math.round(profile.networkBytes * 0.7 * load * (0.6 + random() * 0.8)),
  };
}
