import { useEffect, useState } from 'react';
import type { AlertRowFragment, AlertStatus } from '../__generated__/graphql';
import { asApiError, type ApiError } from '../api/errors';
import { useSubscription } from '../api/live';
import { mutate, useQuery } from '../api/request';
import { ErrorBox, Loading, Missing, StatusBadge } from '../components/states';
import { formatDateTime, formatNumber, humanize } from '../format';
import { hrefOf } from '../router';
import { ACKNOWLEDGE_ALERT, ALERT_EVENTS, ALERTS } from './alerts-operations';

const VIEWS: { label: string; status: AlertStatus[] | null }[] = [
  { label: 'Open', status: ['PENDING', 'FIRING', 'ACKNOWLEDGED'] },
  { label: 'All', status: null },
];

export function AlertsPage({ organizationId }: { organizationId: string }) {
  const [view, setView] = useState(0);
  const status = VIEWS[view]!.status;
  const { state, reload } = useQuery(ALERTS, { organizationId, status });
  // Alerts by id: the loaded page, then every transition the subscription brings (new alerts included).
  const [alerts, setAlerts] = useState<Map<string, AlertRowFragment>>(new Map());
  const connection = state.status === 'ready' ? state.data.organization.alerts : undefined;
  useEffect(() => setAlerts(new Map((connection?.edges ?? []).map((e) => [e.node.id, e.node]))), [connection]);
  useSubscription(ALERT_EVENTS, { organizationId }, (data) => {
    const alert = data.alertEvents.alert;
    setAlerts((previous) => new Map(previous).set(alert.id, alert));
  });
  const [errors, setErrors] = useState<Record<string, ApiError>>({});
  const acknowledge = async (id: string) => {
    try {
      const { acknowledgeAlert } = await mutate(ACKNOWLEDGE_ALERT, { id });
      setAlerts((previous) => new Map(previous).set(id, acknowledgeAlert));
    } catch (error) {
      setErrors((previous) => ({ ...previous, [id]: asApiError(error) }));
    }
  };
  const shown = [...alerts.values()].filter((a) => !status || status.includes(a.status)).sort((a, b) => b.startedAt.localeCompare(a.startedAt));

  return (
    <>
      <h1>Alerts</h1>
      <div role="group" aria-label="Which alerts">
        {VIEWS.map((v, i) => (
          <button key={v.label} type="button" aria-pressed={i === view} onClick={() => setView(i)}>
            {v.label}
          </button>
        ))}
      </div>
      {state.status === 'error' ? <ErrorBox error={state.error} onRetry={reload} /> : null}
      {state.status === 'loading' ? <Loading what="alerts" /> : null}
      {state.status === 'ready' && !connection ? <Missing reason="The alert service did not answer" /> : null}
      {connection ? (
        <table className="alerts-table">
          <thead>
            <tr>
              <th scope="col">Alert</th>
              <th scope="col">Severity</th>
              <th scope="col">Status</th>
              <th scope="col">Virtual machine</th>
              <th scope="col">Value</th>
              <th scope="col">Started</th>
              <th scope="col">Respond by</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((alert) => (
              <tr key={alert.id} data-alert-id={alert.id}>
                <td>
                  <strong>{alert.title}</strong>
                  <br />
                  <span className="note">{alert.summary}</span>
                </td>
                <td>{humanize(alert.severity)}</td>
                <td>
                  <StatusBadge status={alert.status} />
                </td>
                <td>
                  <a href={hrefOf({ page: 'vm', id: alert.virtualMachine.id })}>{alert.virtualMachine.name}</a>
                </td>
                <td>{alert.value === null ? <Missing reason="No value (no data)" /> : formatNumber(alert.value, 1)}</td>
                <td>{formatDateTime(alert.startedAt)}</td>
                <td>{formatDateTime(alert.respondBy)}</td>
                <td>
                  {alert.status === 'FIRING' || alert.status === 'PENDING' ? (
                    <button type="button" onClick={() => void acknowledge(alert.id)} aria-label={`Acknowledge ${alert.title} on ${alert.virtualMachine.name}`}>
                      Acknowledge
                    </button>
                  ) : alert.acknowledgedBy ? (
                    <span className="note">{`Acknowledged by ${alert.acknowledgedBy}`}</span>
                  ) : null}
                  {errors[alert.id] ? <ErrorBox error={errors[alert.id]!} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {connection && shown.length === 0 ? <p>No alerts.</p> : null}
    </>
  );
}
