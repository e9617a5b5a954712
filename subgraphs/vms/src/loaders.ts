import { byIdLoader, groupedLoader, isUuid } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { eventPagesOfVms } from './db/event-repository.ts';
import type { VmsDatabase } from './db/types.ts';
import { findVmsByIds, pagesOfOrganizations, summariesOfOrganizations, type VmPageQuery } from './db/vm-repository.ts';
import type { AlertPageQuery } from './db/alert-repository.ts';
import type { Alert, AlertRule } from './domain/alerts/alert.ts';
import type { Alerts } from './domain/alerts/alert-service.ts';
import type { OrgScope, ResourceSummary, Vm, VmEvent } from './domain/vm.ts';

/** Fresh per request (DESIGN §7.4): every fetch by id or parent goes through one of these. */
export function createLoaders(db: Kysely<VmsDatabase>, alerts: Alerts) {
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
  };
}

export type VmsLoaders = ReturnType<typeof createLoaders>;
