import { byIdLoader, groupedLoader, isUuid } from '@platform/kernel';
import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { eventPagesOfVms } from './db/event-repository.ts';
import { latestSamplesOf, recentLoadOf, seriesOfVms, utilizationOf } from './db/telemetry-repository.ts';
import type { VmsDatabase } from './db/types.ts';
import { findVmsByIds, pagesOfOrganizations, summariesOfOrganizations, type VmPageQuery } from './db/vm-repository.ts';
import type { AlertPageQuery } from './db/alert-repository.ts';
import type { Alert, AlertRule } from './domain/alerts/alert.ts';
import type { Alerts } from './domain/alerts/alert-service.ts';
import { RECENT_WINDOW_MS } from './domain/telemetry/health.ts';
import type { OpenAlertsSource, OpenAlertSummary } from './domain/telemetry/samples.ts';
import { utilizationQuery } from './domain/telemetry/series-plan.ts';
import type { FleetUtilization, RecentLoad, SeriesBucket, SeriesPlan, StoredSample, UtilizationWindow } from './domain/telemetry/telemetry-types.ts';
import { TIERS } from './domain/telemetry/tiers.ts';
import type { OrgScope, ResourceSummary, Vm, VmEvent } from './domain/vm.ts';

export interface LoaderDeps {
  /** What health weighs as open alerts; the alerts module by default. */
  readonly openAlerts?: OpenAlertsSource;
  readonly now?: () => Date;
}

/** Fresh per request (DESIGN §7.4): every fetch by id or parent goes through one of these. */
export function createLoaders(db: Kysely<VmsDatabase>, alerts: Alerts, deps: LoaderDeps = {}) {
  const now = deps.now ?? (() => new Date());
  const openAlerts = deps.openAlerts ?? alerts;
  // One instant per request: every VM of a page is judged against the same clock (and is one loader group).
  const requestNow = now();
  return {
    vm: byIdLoader(
      (ids) => findVmsByIds(db, ids),
      (vm: Vm) => vm.id,
    ),
    organizationVms: groupedLoader<VmPageQuery, Vm[]>((ids, q) => pagesOfOrganizations(db, ids, q), []),
    organizationSummary: groupedLoader<OrgScope, ResourceSummary | null>((ids, scope) => summariesOfOrganizations(db, ids, scope), null),
    alert: byIdLoader(
      (ids) => alerts.byIds(ids),
      (a: Alert) => a.id,
      isUuid,
    ),
    alertRule: byIdLoader(
      (ids) => alerts.rulesByIds(ids),
      (r: AlertRule) => r.id,
      isUuid,
    ),
    /** Pages of alerts per organisation (SELF/SUBTREE) or per VM (parent VM). */
    alertPages: groupedLoader<AlertPageQuery, Alert[]>((ids, q) => alerts.pages(ids, q), []),
    organizationAlertRules: groupedLoader<{ fetch: number; after: string | null }, AlertRule[]>((ids, q) => alerts.rulePages(ids, q.fetch, q.after), []),
    vmEvents: groupedLoader<{ fetch: number; after: string | null }, VmEvent[]>((ids, q) => eventPagesOfVms(db, ids, q.fetch, q.after), []),
    /** Telemetry: one statement per distinct (plan) per request, whatever the number of VMs. */
    vmSeries: groupedLoader<SeriesPlan, SeriesBucket[]>((ids, plan) => seriesOfVms(db, ids, plan), []),
    latestSample: groupedLoader<null, StoredSample | null>((ids) => latestSamplesOf(db, ids, new Date(requestNow.getTime() - TIERS.raw.retentionMs)), null),
    recentLoad: groupedLoader<null, RecentLoad | null>((ids) => recentLoadOf(db, ids, new Date(requestNow.getTime() - RECENT_WINDOW_MS)), null),
    openAlerts: new DataLoader<string, readonly OpenAlertSummary[]>(async (ids) => {
      const found = await openAlerts.openAlertsFor(ids);
      return ids.map((id) => found.get(id) ?? []);
    }),
    organizationUtilization: groupedLoader<{ window: UtilizationWindow; scope: OrgScope }, FleetUtilization | null>(
      (ids, q) => utilizationOf(db, ids, utilizationQuery(q.window, q.scope, requestNow)),
      null,
    ),
    requestNow,
  };
}

export type VmsLoaders = ReturnType<typeof createLoaders>;
