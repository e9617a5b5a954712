import { useEffect, useState } from 'react';
import { ApiError, asApiError } from '../api/errors';
import { mutate, request, useQuery } from '../api/request';
import { accessToken } from '../api/session';
import { ErrorBox, Loading, Missing, StatusBadge } from '../components/states';
import { formatDateTime, formatMoney } from '../format';
import { hrefOf } from '../router';
import { BILLING, CREATE_TOP_UP, TOP_UP } from './billing-operations';

export function BillingPage({ organizationId }: { organizationId: string }) {
  const { state, reload } = useQuery(BILLING, { organizationId });
  if (state.status === 'error' && !state.data) return <ErrorBox error={state.error} onRetry={reload} />;
  if (!state.data) return <Loading what="billing" />;
  const org = state.data.organization;
  const bill = org.currentBill;
  return (
    <>
      <h1>Billing</h1>
      {state.status === 'ready' && state.errors.map((error, i) => <ErrorBox key={i} error={error} />)}
      <section aria-labelledby="current-heading">
        <h2 id="current-heading">Current bill{bill ? ` · ${bill.period.label}` : ''}</h2>
        {bill ? (
          <>
            <p className="note">
              As of {formatDateTime(bill.asOf)}; projected to month end: {formatMoney(bill.projectedTotal)}
            </p>
            <table>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Virtual machine</th>
                  <th scope="col">Quantity</th>
                  <th scope="col">Hours</th>
                  <th scope="col">Unit price</th>
                  <th scope="col">Amount</th>
                </tr>
              </thead>
              <tbody>
                {bill.lines.edges.map(({ node: line }, i) => (
                  <tr key={i}>
                    <td>{line.description}</td>
                    <td>
                      {line.virtualMachine ? (
                        <a href={hrefOf({ page: 'vm', id: line.virtualMachine.id })}>{line.virtualMachine.name}</a>
                      ) : (
                        <Missing reason="Not a VM line" />
                      )}
                    </td>
                    <td>{`${line.quantity} ${line.unit}`}</td>
                    <td>{line.hours}</td>
                    <td>{formatMoney(line.unitPrice)}</td>
                    <td className="amount">{formatMoney(line.amount)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={5}>
                    Subtotal
                  </th>
                  <td className="amount">{formatMoney(bill.subtotal)}</td>
                </tr>
                <tr>
                  <th scope="row" colSpan={5}>
                    VAT
                  </th>
                  <td className="amount">{formatMoney(bill.vat)}</td>
                </tr>
                <tr>
                  <th scope="row" colSpan={5}>
                    Total
                  </th>
                  <td className="amount" data-total="currentBill">
                    {formatMoney(bill.total)}
                  </td>
                </tr>
              </tfoot>
            </table>
            {bill.lines.pageInfo.hasNextPage ? <p className="note">Showing the first 100 lines; the invoice has them all.</p> : null}
          </>
        ) : (
          <Missing reason="No current bill data" />
        )}
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Bill history</h2>
        {org.bills ? (
          org.bills.edges.length === 0 ? (
            <p>No bills issued yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Invoice</th>
                  <th scope="col">Period</th>
                  <th scope="col">Status</th>
                  <th scope="col">Total</th>
                  <th scope="col">Issued</th>
                  <th scope="col">Paid</th>
                </tr>
              </thead>
              <tbody>
                {org.bills.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>
                      <InvoiceDownload url={node.invoiceUrl} number={node.invoiceNumber} />
                    </td>
                    <td>{node.period.label}</td>
                    <td>
                      <StatusBadge status={node.status} />
                    </td>
                    <td className="amount">{formatMoney(node.total)}</td>
                    <td>{formatDateTime(node.issuedAt)}</td>
                    <td>{node.paidAt ? formatDateTime(node.paidAt) : <Missing reason="Not paid yet" />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        ) : (
          <Missing reason="No bill history data" />
        )}
      </section>
      <section aria-labelledby="wallet-heading">
        <h2 id="wallet-heading">Wallet</h2>
        <p>
          Balance {org.wallet ? formatMoney(org.wallet.balance) : <Missing reason="No wallet data" />}, available{' '}
          {org.wallet ? formatMoney(org.wallet.available) : <Missing reason="No wallet data" />}
        </p>
        <TopUpForm organizationId={organizationId} currency={org.wallet?.balance.currency ?? 'ZAR'} onCredited={reload} />
      </section>
    </>
  );
}

/** The invoice document needs the bearer token, so it is fetched and handed to the browser as a file. */
function InvoiceDownload({ url, number }: { url: string; number: string }) {
  const [error, setError] = useState<ApiError | null>(null);
  const download = async () => {
    setError(null);
    try {
      const token = await accessToken();
      const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: string };
        throw new ApiError(body.error ?? `The invoice could not be fetched (${response.status}).`, `HTTP_${response.status}`);
      }
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await response.blob());
      link.download = `invoice-${number}.html`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (caught) {
      setError(asApiError(caught));
    }
  };
  return (
    <>
      <button type="button" className="link" onClick={() => void download()}>
        {number}
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </>
  );
}

/** A top-up through the payment provider: the wallet is credited only when the provider confirms (DESIGN §4). */
function TopUpForm({ organizationId, currency, onCredited }: { organizationId: string; currency: string; onCredited: () => void }) {
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [topUp, setTopUp] = useState<{ id: string; status: string; checkoutUrl: string | null } | null>(null);
  useEffect(() => {
    if (!topUp || topUp.status !== 'PENDING') return;
    const timer = setInterval(() => {
      request(TOP_UP, { id: topUp.id }).then(
        ({ data }) => {
          setTopUp({ id: data.topUp.id, status: data.topUp.status, checkoutUrl: data.topUp.checkoutUrl });
          if (data.topUp.credited) onCredited();
        },
        (caught: unknown) => setError(asApiError(caught)),
      );
    }, 3_000);
    return () => clearInterval(timer);
  }, [topUp, onCredited]);
  const submit = async () => {
    setError(null);
    try {
      const { createTopUp } = await mutate(CREATE_TOP_UP, { input: { organizationId, amount: amount.trim(), currency, idempotencyKey: crypto.randomUUID() } });
      setTopUp(createTopUp);
    } catch (caught) {
      setError(asApiError(caught));
    }
  };
  return (
    <form
      className="top-up"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label>
        Top up ({currency})
        <input
          inputMode="decimal"
          pattern="[0-9]+(\.[0-9]{1,2})?"
          required
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          placeholder="500.00"
        />
      </label>
      <button type="submit">Start payment</button>
      {topUp ? (
        <p role="status">
          Top-up <StatusBadge status={topUp.status} />{' '}
          {topUp.checkoutUrl ? (
            <a href={topUp.checkoutUrl} target="_blank" rel="noreferrer">
              Pay at the checkout
            </a>
          ) : null}
        </p>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}
