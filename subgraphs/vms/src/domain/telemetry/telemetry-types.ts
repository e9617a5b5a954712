import type { OrgScope } from '../vm.ts';
import type { MetricName } from './samples.ts';
import type { TierName } from './tiers.ts';

/** A metric's value per metric name; null where nothing was measured (never a made-up zero). */
export type MetricValues = Readonly<Record<MetricName, number | null>>;

/** One VM at one instant, as stored. */
export interface StoredSample {
  readonly vmId: string;
  readonly at: Date;
  readonly values: MetricValues;
}

/** One bucket of a series: the average and the highest value seen in it, per metric. */
export interface SeriesBucket {
  readonly at: Date;
  readonly avg: MetricValues;
  readonly max: MetricValues;
}

/** Which store a series reads and how wide its points are (a multiple of the store's step). */
export interface SeriesPlan {
  readonly tier: TierName;
  readonly stepSeconds: number;
  /** Aligned to the step: the first bucket's start, and the end of the last. */
  readonly from: Date;
  readonly to: Date;
}

/** What health reads of a VM's last minutes. */
export interface RecentLoad {
  readonly samples: number;
  readonly cpuAvg: number | null;
  readonly memoryAvg: number | null;
  /** Disk read + write, bytes per second, averaged. */
  readonly diskAvg: number | null;
}

export type UtilizationWindow = 'LAST_HOUR' | 'LAST_DAY' | 'LAST_WEEK' | 'LAST_MONTH';

export interface UtilizationQuery {
  readonly scope: OrgScope;
  readonly tier: TierName;
  readonly from: Date;
  readonly to: Date;
}

/** An organisation's fleet over a window: how many VMs reported, and per metric the average and max over all their samples. */
export interface FleetUtilization {
  readonly vmsReporting: number;
  readonly avg: MetricValues;
  readonly max: MetricValues;
}

/** Organization.utilization as answered: the window and the figures. */
export interface FleetUtilizationReport extends FleetUtilization {
  readonly window: UtilizationWindow;
  readonly from: Date;
  readonly to: Date;
}
