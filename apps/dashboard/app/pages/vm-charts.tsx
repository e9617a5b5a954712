import { useEffect, useState } from 'react';
import type { VirtualMachineLiveMetricsSubscription, VirtualMachineMetricsQuery } from '../__generated__/graphql';
import { useSubscription } from '../api/live';
import { useQuery } from '../api/request';
import { MetricChart } from '../components/metric-chart';
import { ErrorBox, Loading, Missing } from '../components/states';
import { formatNumber, formatRate } from '../format';
import { VM_LIVE_METRICS, VM_METRICS } from './vm-operations';

const WINDOWS = [
  { label: '1 h', seconds: 3_600 },
  { label: '24 h', seconds: 86_400 },
  { label: '7 d', seconds: 7 * 86_400 },
  { label: '30 d', seconds: 30 * 86_400 },
] as const;

type Metrics = NonNullable<VirtualMachineMetricsQuery['virtualMachine']>['metrics'];
type Sample = VirtualMachineLiveMetricsSubscription['virtualMachineMetrics'];

/** Chart columns: unix seconds and one array per series, extended by live samples. */
interface Columns {
  t: number[];
  cpu: (number | null)[];
  cpuMax: (number | null)[];
  memory: (number | null)[];
  memoryMax: (number | null)[];
  diskRead: (number | null)[];
  diskWrite: (number | null)[];
  netRx: (number | null)[];
  netTx: (number | null)[];
}

function columnsOf(metrics: Metrics): Columns {
  return {
    t: metrics.timestamps.map((at) => Date.parse(at) / 1000),
    cpu: [...metrics.cpuPercent.avg],
    cpuMax: [...metrics.cpuPercent.max],
    memory: [...metrics.memoryPercent.avg],
    memoryMax: [...metrics.memoryPercent.max],
    diskRead: [...metrics.diskReadBytesPerSecond.avg],
    diskWrite: [...metrics.diskWriteBytesPerSecond.avg],
    netRx: [...metrics.networkReceiveBytesPerSecond.avg],
    netTx: [...metrics.networkTransmitBytesPerSecond.avg],
  };
}

function append(columns: Columns, sample: Sample): Columns {
  const t = Date.parse(sample.at) / 1000;
  if (columns.t.length > 0 && t <= columns.t[columns.t.length - 1]!) return columns; // already in the window
  return {
    t: [...columns.t, t],
    cpu: [...columns.cpu, sample.cpuPercent ?? null],
    cpuMax: [...columns.cpuMax, sample.cpuPercent ?? null],
    memory: [...columns.memory, sample.memoryPercent ?? null],
    memoryMax: [...columns.memoryMax, sample.memoryPercent ?? null],
    diskRead: [...columns.diskRead, sample.diskReadBytesPerSecond ?? null],
    diskWrite: [...columns.diskWrite, sample.diskWriteBytesPerSecond ?? null],
    netRx: [...columns.netRx, sample.networkReceiveBytesPerSecond ?? null],
    netTx: [...columns.netTx, sample.networkTransmitBytesPerSecond ?? null],
  };
}

const percent = (v: number | null) => formatNumber(v, 1, ' %');

export function VmCharts({ id }: { id: string }) {
  const [windowSeconds, setWindowSeconds] = useState<number>(WINDOWS[0].seconds);
  // The window's start is fixed when it is picked, so the query does not rerun on every render.
  const [from, setFrom] = useState(() => new Date(Date.now() - windowSeconds * 1000).toISOString());
  const { state, reload } = useQuery(VM_METRICS, { id, from });
  const [columns, setColumns] = useState<Columns | null>(null);
  const metrics = state.status === 'ready' ? state.data.virtualMachine?.metrics : undefined;
  useEffect(() => setColumns(metrics ? columnsOf(metrics) : null), [metrics]);
  // The live tail: each sample the subscription brings is appended to whatever window is shown.
  useSubscription(VM_LIVE_METRICS, { id }, (data) => setColumns((current) => (current ? append(current, data.virtualMachineMetrics) : current)));

  return (
    <section aria-labelledby="charts-heading">
      <h2 id="charts-heading">Utilisation</h2>
      <div className="window-picker" role="group" aria-label="Time window">
        {WINDOWS.map((w) => (
          <button
            key={w.label}
            type="button"
            aria-pressed={w.seconds === windowSeconds}
            onClick={() => {
              setWindowSeconds(w.seconds);
              setFrom(new Date(Date.now() - w.seconds * 1000).toISOString());
            }}
          >
            {w.label}
          </button>
        ))}
        {metrics ? <span className="note">{`resolution ${metrics.resolution.toLowerCase().replace('_', ' ')}, every ${metrics.stepSeconds} s`}</span> : null}
      </div>
      {state.status === 'error' ? <ErrorBox error={state.error} onRetry={reload} /> : null}
      {state.status === 'loading' ? <Loading what="metrics" /> : null}
      {state.status === 'ready' && !metrics ? <Missing reason="No metrics for this VM" /> : null}
      {columns ? (
        <div className="charts">
          <MetricChart
            title="CPU"
            timestamps={columns.t}
            max={100}
            formatValue={percent}
            series={[
              { label: 'avg', values: columns.cpu, color: '#1f6feb' },
              { label: 'max', values: columns.cpuMax, color: '#9a6700' },
            ]}
          />
          <MetricChart
            title="Memory"
            timestamps={columns.t}
            max={100}
            formatValue={percent}
            series={[
              { label: 'avg', values: columns.memory, color: '#1f6feb' },
              { label: 'max', values: columns.memoryMax, color: '#9a6700' },
            ]}
          />
          <MetricChart
            title="Disk"
            timestamps={columns.t}
            formatValue={formatRate}
            series={[
              { label: 'read', values: columns.diskRead, color: '#1a7f37' },
              { label: 'write', values: columns.diskWrite, color: '#cf222e' },
            ]}
          />
          <MetricChart
            title="Network"
            timestamps={columns.t}
            formatValue={formatRate}
            series={[
              { label: 'receive', values: columns.netRx, color: '#1a7f37' },
              { label: 'transmit', values: columns.netTx, color: '#8250df' },
            ]}
          />
        </div>
      ) : null}
    </section>
  );
}
