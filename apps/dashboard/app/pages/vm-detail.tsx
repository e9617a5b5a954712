import { useState } from 'react';
import type { VirtualMachineDetailQuery } from '../__generated__/graphql';
import { ApiError, asApiError } from '../api/errors';
import { useSubscription } from '../api/live';
import { mutate, useQuery } from '../api/request';
import { ErrorBox, Loading, Missing, StatusBadge } from '../components/states';
import { formatDateTime, formatMoney, formatNumber, humanize } from '../format';
import { VmCharts } from './vm-charts';
import { POWER_OFF, POWER_ON, RESTART, VM_DETAIL, VM_STATUS_CHANGES } from './vm-operations';

type Vm = NonNullable<VirtualMachineDetailQuery['virtualMachine']>;
type LiveState = Pick<Vm, 'status' | 'statusReason' | 'powerState'>;

export function VmDetailPage({ id }: { id: string }) {
  const { state, reload } = useQuery(VM_DETAIL, { id });
  const [live, setLive] = useState<LiveState | null>(null);
  const vm = state.data?.virtualMachine;
  useSubscription(VM_STATUS_CHANGES, vm ? { organizationId: vm.organization.id } : null, (data) => {
    const event = data.virtualMachineStatusChanged;
    if (event.vm.id === id) setLive({ status: event.toStatus, statusReason: event.vm.statusReason, powerState: event.vm.powerState });
  });

  if (state.status === 'error' && !state.data) return <ErrorBox error={state.error} onRetry={reload} />;
  if (!state.data) return <Loading what="the virtual machine" />;
  if (!vm) return <ErrorBox error={new ApiError('No virtual machine you can see has this id.', 'NOT_FOUND')} />;
  const current = live ?? vm;

  return (
    <>
      <p>
        <a href="#/fleet">← Fleet</a>
      </p>
      <h1>
        {vm.name} <StatusBadge status={current.status} />
      </h1>
      {current.statusReason ? <p className="note">{current.statusReason}</p> : null}
      <PowerActions vm={vm} status={current.status} onChanged={setLive} />
      <section aria-labelledby="facts-heading">
        <h2 id="facts-heading">Details</h2>
        <dl className="facts">
          <dt>Organisation</dt>
          <dd>{vm.organization.name}</dd>
          <dt>Power state</dt>
          <dd>{humanize(current.powerState)}</dd>
          <dt>Product</dt>
          <dd>{vm.product?.name ?? <Missing reason="No catalogue product" />}</dd>
          <dt>vCPU</dt>
          <dd>{vm.spec.vcpu ?? <Missing reason="CPU count not recorded" />}</dd>
          <dt>Memory</dt>
          <dd>{vm.spec.memoryMib === null ? <Missing reason="Memory not recorded" /> : formatNumber(vm.spec.memoryMib / 1024, 1, ' GiB')}</dd>
          <dt>Disk</dt>
          <dd>{`${formatNumber(vm.spec.diskGib, 0, ' GiB')} ${humanize(vm.spec.storageTier).toLowerCase()}`}</dd>
          <dt>Guest OS</dt>
          <dd>{vm.guestOs}</dd>
          <dt>IP address</dt>
          <dd>{vm.ipAddress ?? <Missing reason="No IP address" />}</dd>
          <dt>Cost to date</dt>
          <dd>{vm.costToDate ? formatMoney(vm.costToDate) : <Missing reason="No billing data" />}</dd>
          <dt>Created</dt>
          <dd>{formatDateTime(vm.createdAt)}</dd>
        </dl>
      </section>
      <section aria-labelledby="health-heading">
        <h2 id="health-heading">Health</h2>
        <p>
          <StatusBadge status={vm.health.status} /> score {vm.health.score ?? <Missing reason="No health score without samples" />}, last sample{' '}
          {formatDateTime(vm.health.lastSampleAt)}
        </p>
        {vm.health.reasons.length > 0 ? (
          <ul>
            {vm.health.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        ) : null}
      </section>
      <VmCharts id={vm.id} />
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Lifecycle history</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {vm.events.edges.map(({ node: event }) => (
              <tr key={event.id}>
                <td>{formatDateTime(event.at)}</td>
                <td>{humanize(event.kind)}</td>
                <td>{event.fromStatus ? humanize(event.fromStatus) : <Missing reason="No earlier status" />}</td>
                <td>{humanize(event.toStatus)}</td>
                <td>{event.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

interface PowerVariables {
  id: string;
  idempotencyKey: string;
}
const ACTIONS = {
  off: { label: 'Power off', allowed: ['RUNNING', 'SUSPENDED'], run: async (v: PowerVariables) => (await mutate(POWER_OFF, v)).powerOffVirtualMachine },
  on: { label: 'Power on', allowed: ['STOPPED', 'SUSPENDED'], run: async (v: PowerVariables) => (await mutate(POWER_ON, v)).powerOnVirtualMachine },
  restart: { label: 'Restart', allowed: ['RUNNING'], run: async (v: PowerVariables) => (await mutate(RESTART, v)).restartVirtualMachine },
} as const;
type Action = keyof typeof ACTIONS;

/** Power actions behind a confirmation; the result (or the API's refusal, with its code) is shown in place. */
function PowerActions({ vm, status, onChanged }: { vm: Vm; status: string; onChanged: (state: LiveState) => void }) {
  const [confirming, setConfirming] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (action: Action) => {
    setBusy(true);
    setError(null);
    try {
      // One key per confirmed click: a retried request does not act twice.
      onChanged(await ACTIONS[action].run({ id: vm.id, idempotencyKey: crypto.randomUUID() }));
      setConfirming(null);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="actions">
      {(Object.keys(ACTIONS) as Action[]).map((action) => (
        <button
          key={action}
          type="button"
          disabled={busy || !(ACTIONS[action].allowed as readonly string[]).includes(status)}
          onClick={() => setConfirming(action)}
        >
          {ACTIONS[action].label}
        </button>
      ))}
      {confirming ? (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-text">
          <p id="confirm-text">
            {ACTIONS[confirming].label} {vm.name}?
          </p>
          <button type="button" disabled={busy} onClick={() => void run(confirming)}>
            Confirm {ACTIONS[confirming].label.toLowerCase()}
          </button>
          <button type="button" disabled={busy} onClick={() => setConfirming(null)}>
            Cancel
          </button>
        </div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}
