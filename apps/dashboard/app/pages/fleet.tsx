import { useState } from 'react';
import type { VirtualMachineStatus } from '../__generated__/graphql';
import { useSubscription } from '../api/live';
import { useQuery } from '../api/request';
import { ErrorBox, Loading, Missing, StatusBadge } from '../components/states';
import { Total } from '../components/totals';
import { formatMoney, formatNumber } from '../format';
import { hrefOf } from '../router';
import { FLEET_OVERVIEW, FLEET_STATUS_CHANGES, FLEET_VIRTUAL_MACHINES } from './fleet-operations';

const PAGE_SIZE = 25;
const STATUSES: VirtualMachineStatus[] = ['RUNNING', 'STOPPED', 'SUSPENDED', 'PROVISIONING', 'ERROR'];

export function FleetPage({ organizationId }: { organizationId: string }) {
  return (
    <>
      <h1>Fleet</h1>
      <FleetTotals organizationId={organizationId} />
      <VirtualMachineTable organizationId={organizationId} />
    </>
  );
}

function FleetTotals({ organizationId }: { organizationId: string }) {
  const { state, reload } = useQuery(FLEET_OVERVIEW, { organizationId });
  if (state.status === 'error' && !state.data) return <ErrorBox error={state.error} onRetry={reload} />;
  if (!state.data) return <Loading what="fleet totals" />;
  const org = state.data.organization;
  const summary = org.resourceSummary;
  const alerts = org.openAlerts;
  return (
    <section aria-labelledby="totals-heading">
      <h2 id="totals-heading">Resources and money</h2>
      {state.status === 'ready' && state.errors.map((error, i) => <ErrorBox key={i} error={error} />)}
      <dl className="totals">
        <Total name="vmCount" label="Virtual machines">
          {summary ? formatNumber(summary.vmCount) : <Missing />}
        </Total>
        <Total name="running" label="Running">
          {summary ? formatNumber(summary.running) : <Missing />}
        </Total>
        <Total name="vcpuTotal" label="vCPU">
          {summary ? formatNumber(summary.vcpuTotal) : <Missing />}
        </Total>
        <Total name="memoryGib" label="Memory (GiB)">
          {summary ? formatNumber(summary.memoryGib, 1) : <Missing />}
        </Total>
        <Total name="diskTib" label="Disk (TiB)">
          {summary ? formatNumber(summary.diskTib, 2) : <Missing />}
        </Total>
        <Total name="available" label="Available balance">
          {org.wallet ? formatMoney(org.wallet.available) : <Missing reason="No wallet data" />}
        </Total>
        <Total name="currentBill" label={`Current bill${org.currentBill ? ` (${org.currentBill.period.label})` : ''}`}>
          {org.currentBill ? formatMoney(org.currentBill.total) : <Missing reason="No bill data" />}
        </Total>
        <Total name="openAlerts" label="Open alerts">
          {alerts ? (
            <a href={hrefOf({ page: 'alerts' })}>{`${alerts.edges.length}${alerts.pageInfo.hasNextPage ? '+' : ''}`}</a>
          ) : (
            <Missing reason="No alert data" />
          )}
        </Total>
      </dl>
      {summary && summary.specUnknown > 0 ? (
        <p className="note">{summary.specUnknown} VMs have no recorded CPU or memory size; they are left out of those totals.</p>
      ) : null}
    </section>
  );
}

function VirtualMachineTable({ organizationId }: { organizationId: string }) {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<VirtualMachineStatus | ''>('');
  // Cursors of the pages before this one: Previous pops, Next pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const filter = { ...(search.trim() ? { search: search.trim() } : {}), ...(status ? { status: [status] } : {}) };
  const { state, reload } = useQuery(FLEET_VIRTUAL_MACHINES, { organizationId, first: PAGE_SIZE, after, filter });
  // Status changes arrive live; they win over what the page loaded.
  const [liveStatus, setLiveStatus] = useState<Record<string, VirtualMachineStatus>>({});
  useSubscription(FLEET_STATUS_CHANGES, { organizationId }, (data) => {
    const event = data.virtualMachineStatusChanged;
    setLiveStatus((previous) => ({ ...previous, [event.vm.id]: event.toStatus }));
  });
  const restart = () => setCursors([null]);
  const connection = state.data?.organization.virtualMachines;

  return (
    <section aria-labelledby="vms-heading">
      <h2 id="vms-heading">Virtual machines</h2>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={search}
            placeholder="Name, IP or guest OS"
            onChange={(event) => {
              setSearch(event.target.value);
              restart();
            }}
          />
        </label>
        <label>
          Status
          <select
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as VirtualMachineStatus | '');
              restart();
            }}
          >
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.charAt(0) + s.slice(1).toLowerCase()}
              </option>
            ))}
          </select>
        </label>
      </form>
      {state.status === 'error' ? <ErrorBox error={state.error} onRetry={reload} /> : null}
      {state.status === 'loading' ? <Loading what="virtual machines" /> : null}
      {state.data && !connection ? <Missing reason="The VM inventory did not answer" /> : null}
      {connection ? (
        <>
          <table className="vm-table" aria-busy={state.status === 'loading'}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Organisation</th>
                <th scope="col">vCPU</th>
                <th scope="col">Memory</th>
                <th scope="col">Disk</th>
                <th scope="col">IP address</th>
                <th scope="col">Guest OS</th>
              </tr>
            </thead>
            <tbody>
              {connection.edges.map(({ node: vm }) => (
                <tr key={vm.id} data-vm-id={vm.id}>
                  <td>
                    <a href={hrefOf({ page: 'vm', id: vm.id })}>{vm.name}</a>
                  </td>
                  <td>
                    <StatusBadge status={liveStatus[vm.id] ?? vm.status} />
                  </td>
                  <td>{vm.organization.name}</td>
                  <td>{vm.spec.vcpu ?? <Missing reason="CPU count not recorded" />}</td>
                  <td>{vm.spec.memoryMib === null ? <Missing reason="Memory not recorded" /> : formatNumber(vm.spec.memoryMib / 1024, 1, ' GiB')}</td>
                  <td>{formatNumber(vm.spec.diskGib, 0, ' GiB')}</td>
                  <td>{vm.ipAddress ?? <Missing reason="No IP address" />}</td>
                  <td>{vm.guestOs}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {connection.edges.length === 0 ? <p>No virtual machines match.</p> : null}
          <nav className="pager" aria-label="Pages of virtual machines">
            <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </button>
            <span>Page {cursors.length}</span>
            <button type="button" disabled={!connection.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, connection.pageInfo.endCursor ?? null])}>
              Next
            </button>
          </nav>
        </>
      ) : null}
    </section>
  );
}
