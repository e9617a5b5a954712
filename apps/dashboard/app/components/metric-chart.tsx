import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  /** null where there is no sample: drawn as a gap, never as zero. */
  readonly values: readonly (number | null)[];
  readonly color: string;
}

interface MetricChartProps {
  readonly title: string;
  /** Unix seconds. */
  readonly timestamps: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly formatValue: (value: number | null) => string;
  readonly max?: number;
}

/** One time-series chart (uPlot: canvas, small, built for time series); `data-points` says how many instants it holds. */
export function MetricChart({ title, timestamps, series, formatValue, max }: MetricChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = [timestamps as number[], ...series.map((s) => s.values as (number | null)[])] as uPlot.AlignedData;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const chart = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 180,
        series: [
          {},
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: false, value: (_u: uPlot, v: number | null) => formatValue(v) })),
        ],
        axes: [{}, { values: (_u, splits) => splits.map((v) => formatValue(v)), size: 70 }],
        scales: max === undefined ? {} : { y: { range: [0, max] } },
        legend: { live: true },
      },
      data,
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: 180 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its shape changes; new data goes through setData below.
  }, [series.length, max]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const last = timestamps.length - 1;
  return (
    <figure className="chart" data-chart={title} data-points={timestamps.length}>
      <figcaption>
        {title}
        <span className="chart-latest">{series.map((s) => `${s.label}: ${last < 0 ? '—' : formatValue(s.values[last] ?? null)}`).join(' · ')}</span>
      </figcaption>
      <div ref={host} role="img" aria-label={`${title} chart, ${timestamps.length} points`} />
      {timestamps.length === 0 ? <p className="note">No samples in this window.</p> : null}
    </figure>
  );
}
