import { PeriodicTask, type Logger, type ServiceTokenSource } from '@platform/kernel';
import { encodeOtlpMetrics, profileOf, simulatedSample, type BackfillReport, type OutgoingSample, type VmProfile } from '@platform/vms';

export interface TelemetrySimulatorOptions {
  /** vms `/v1/metrics`. */
  readonly url: string;
  readonly tokens: ServiceTokenSource;
  /** The VMs to report on, asked before every pass (VMs start and stop). */
  readonly vmIds: () => Promise<readonly string[]>;
  readonly logger: Logger;
  /** vCenter's real-time interval by default. */
  readonly intervalMs?: number;
  /**
   * The sample grid: each pass reports the VM at the current multiple of this (vCenter's real-time
   * 20 s by default). Ingest keeps one sample per VM and time, so a pass within the same slot adds
   * nothing; a test running the simulator fast gives it a matching short slot.
   */
  readonly slotMs?: number;
  /** VMs per OTLP request. */
  readonly batchSize?: number;
}

export interface FeedReport {
  readonly vms: number;
  readonly rejected: number;
  readonly ms: number;
}

/**
 * Plays a vCenter with an OpenTelemetry Collector in front of it: every interval, one sample per VM at the
 * current 20-second slot, POSTed as OTLP/HTTP JSON (the vCenter receiver's metric names) to the real ingest
 * route with a `collector` service token. A PeriodicTask: one pass at a time, failures logged and retried.
 */
export class TelemetrySimulator {
  private readonly task: PeriodicTask;
  private readonly profiles = new Map<string, VmProfile>();
  lastFeed: FeedReport | null = null;

  constructor(private readonly options: TelemetrySimulatorOptions) {
    this.task = new PeriodicTask({
      name: 'telemetry simulator',
      intervalMs: options.intervalMs ?? 20_000,
      firstDelayMs: 0,
      logger: options.logger,
      run: async () => (this.lastFeed = await this.feed()),
    });
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  private currentSlot(): Date {
    const slot = this.options.slotMs ?? 20_000;
    return new Date(Math.floor(Date.now() / slot) * slot);
  }

  /** One pass: a sample for every VM at `at` (the current slot by default). */
  async feed(at: Date = this.currentSlot()): Promise<FeedReport> {
    const started = Date.now();
    const ids = await this.options.vmIds();
    const batchSize = this.options.batchSize ?? 1000;
    let rejected = 0;
    for (let i = 0; i < ids.length; i += batchSize) {
      const samples: OutgoingSample[] = ids.slice(i, i + batchSize).map((vmId) => {
        let profile = this.profiles.get(vmId);
        if (!profile) {
          profile = profileOf(vmId);
          this.profiles.set(vmId, profile);
        }
        return { vmRef: vmId, at, values: simulatedSample(profile, at) };
      });
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.options.tokens()}` },
        body: JSON.stringify(encodeOtlpMetrics(samples)),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { partialSuccess?: { rejectedDataPoints?: string; errorMessage?: string }; message?: string };
      if (!response.ok) throw new Error(`telemetry ingest answered HTTP ${response.status}: ${body.message ?? ''}`);
      rejected += Number(body.partialSuccess?.rejectedDataPoints ?? 0);
      if (body.partialSuccess?.errorMessage) this.options.logger.debug('telemetry simulator: partial success', { message: body.partialSuccess.errorMessage });
    }
    return { vms: ids.length, rejected, ms: Date.now() - started };
  }
}

/** What `npm start` runs: backfill (in the background) and the live feed. */
export interface RunningSimulation {
  readonly simulator: TelemetrySimulator;
  /** Settles when the first-start history is written (or there was nothing to write). */
  readonly backfilled: Promise<BackfillReport>;
  stop(): Promise<void>;
}

export function startDemoTelemetry(
  platform: {
    readonly telemetryUrl: string;
    readonly collectorTokens: ServiceTokenSource;
    readonly vms: { runningVmIds(): Promise<string[]>; backfillDemoTelemetry(o: { shouldStop?: () => boolean }): Promise<BackfillReport> };
  },
  options: { readonly logger: Logger; readonly intervalMs?: number },
): RunningSimulation {
  const simulator = new TelemetrySimulator({
    url: platform.telemetryUrl,
    tokens: platform.collectorTokens,
    vmIds: () => platform.vms.runningVmIds(),
    logger: options.logger,
    intervalMs: options.intervalMs,
  });
  simulator.start();
  let stopping = false;
  const backfilled = platform.vms.backfillDemoTelemetry({ shouldStop: () => stopping });
  // Logged here; awaited by stop, so the pool is not closed under it.
  const settled = backfilled.catch((error: unknown) => {
    options.logger.error('telemetry backfill failed', { error });
    return { vms: 0, rows: 0 };
  });
  return {
    simulator,
    backfilled: settled,
    async stop() {
      stopping = true;
      await simulator.stop();
      await settled;
    },
  };
}
