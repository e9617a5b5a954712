import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { metricsRegistry, platformMetrics } from '../src/index.ts';

const dashboardUrl = new URL('../../../deploy/observability/grafana-dashboard.json', import.meta.url);

test('every metric the Grafana dashboard queries is one the platform reports, and every platform metric is on it', async () => {
  const dashboard = JSON.parse(await readFile(dashboardUrl, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
  const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
  // A series name has underscores (labels here do not) and is followed by a selector, a range or a closing parenthesis.
  const names = exprs.flatMap((e) => [...e.matchAll(/\b([a-z][a-z0-9]*_[a-z0-9_]+)\s*(?=[{[)])/g)].map((m) => m[1]!));
  const queried = new Set(names.map((name) => name.replace(/_(bucket|count|sum)$/, '')));
  const reported = new Set((await metricsRegistry.getMetricsAsJSON()).map((m) => m.name));
  expect([...queried].filter((name) => !reported.has(name))).toEqual([]);
  expect(Object.keys(platformMetrics).length).toBe(17);
  const platformNames = [...reported].filter((n) => !n.startsWith('process_') && !n.startsWith('nodejs_'));
  expect(platformNames.filter((name) => !queried.has(name))).toEqual([]);
});
