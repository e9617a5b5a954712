import { useState } from 'react';
import { useQuery } from '../api/request';
import { ErrorBox, Loading, Missing, StatusBadge } from '../components/states';
import { formatDateTime, formatMoney, formatNumber } from '../format';
import { CUSTOMERS } from './customers-operations';

const percentOf = (basisPoints: number) => `${(basisPoints / 100).toFixed(2)} %`;

/** For resellers (and the provider): their customers with totals, and their commission statements. */
export function CustomersPage({ organizationId }: { organizationId: string }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const { state, reload } = useQuery(CUSTOMERS, { organizationId, after: cursors[cursors.length - 1] ?? null });
  if (state.status === 'error' && !state.data) return <ErrorBox error={state.error} onRetry={reload} />;
  if (!state.data) return <Loading what="customers" />;
  const org = state.data.organization;
  return (
    <>
      <h1>Customers</h1>
      {state.status === 'ready' && state.errors.map((error, i) => <ErrorBox key={i} error={error} />)}
      <section aria-labelledby="customers-heading">
        <h2 id="customers-heading">{`${org.children.totalCount} customer organisations`}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Organisation</th>
              <th scope="col">Status</th>
              <th scope="col">VMs</th>
              <th scope="col">Running</th>
              <th scope="col">vCPU</th>
              <th scope="col">Memory (GiB)</th>
              <th scope="col">Wallet balance</th>
            </tr>
          </thead>
          <tbody>
            {org.children.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>{node.name}</td>
                <td>
                  <StatusBadge status={node.status} />
                </td>
                <td>{node.resourceSummary ? formatNumber(node.resourceSummary.vmCount) : <Missing />}</td>
                <td>{node.resourceSummary ? formatNumber(node.resourceSummary.running) : <Missing />}</td>
                <td>{node.resourceSummary ? formatNumber(node.resourceSummary.vcpuTotal) : <Missing />}</td>
                <td>{node.resourceSummary ? formatNumber(node.resourceSummary.memoryGib, 1) : <Missing />}</td>
                <td className="amount">{node.wallet ? formatMoney(node.wallet.balance) : <Missing reason="No wallet data" />}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <nav className="pager" aria-label="Pages of customers">
          <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous
          </button>
          <button type="button" disabled={!org.children.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, org.children.pageInfo.endCursor ?? null])}>
            Next
          </button>
        </nav>
      </section>
      <section aria-labelledby="commission-heading">
        <h2 id="commission-heading">Commission</h2>
        <p>
          Rate:{' '}
          {org.commissionRate ? (
            `${percentOf(org.commissionRate.basisPoints)}${org.commissionRate.tier ? ` (${org.commissionRate.tier.toLowerCase()})` : ''}`
          ) : (
            <Missing reason="No commission rate set" />
          )}
        </p>
        {org.commissionStatements.edges.length === 0 ? (
          <p>No commission statements yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Status</th>
                <th scope="col">Customer spend</th>
                <th scope="col">Rate</th>
                <th scope="col">Commission</th>
                <th scope="col">Computed</th>
                <th scope="col">Paid</th>
              </tr>
            </thead>
            <tbody>
              {org.commissionStatements.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td>{node.period.label}</td>
                  <td>
                    <StatusBadge status={node.status} />
                  </td>
                  <td className="amount">{formatMoney(node.base)}</td>
                  <td>{percentOf(node.rate.basisPoints)}</td>
                  <td className="amount">{formatMoney(node.amount)}</td>
                  <td>{formatDateTime(node.computedAt)}</td>
                  <td>{node.paidAt ? formatDateTime(node.paidAt) : <Missing reason="Not paid yet" />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
