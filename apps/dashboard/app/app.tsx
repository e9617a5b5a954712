import { useLiveStatus } from './api/live';
import { useQuery } from './api/request';
import { ME } from './api/session-operations';
import { logOut, useSession, type Session } from './api/session';
import { ErrorBox, Loading } from './components/states';
import { OrgSwitcher } from './components/org-switcher';
import { AlertsPage } from './pages/alerts';
import { BillingPage } from './pages/billing';
import { CustomersPage } from './pages/customers';
import { FleetPage } from './pages/fleet';
import { LoginPage } from './pages/login';
import { VmDetailPage } from './pages/vm-detail';
import { hrefOf, useRoute, type Route } from './router';

const LIVE_LABELS = {
  idle: 'Live updates off',
  connecting: 'Connecting live updates…',
  live: 'Live',
  reconnecting: 'Live updates lost, reconnecting…',
} as const;

export function App() {
  const { session, signedOutReason } = useSession();
  const route = useRoute();
  const live = useLiveStatus();
  if (!session) return <LoginPage reason={signedOutReason} />;
  if (!session.organization) return <SignedIn session={session} route={route} live={live} />;
  // Keyed by organisation: switching starts every page (and its subscriptions) afresh.
  return <SignedIn key={session.organization.id} session={session} organizationId={session.organization.id} route={route} live={live} />;
}

function SignedIn({ session, organizationId, route, live }: { session: Session; organizationId?: string; route: Route; live: keyof typeof LIVE_LABELS }) {
  const me = useQuery(ME, { organizationId: organizationId ?? '' });
  const org = me.state.status === 'ready' ? me.state.data.organization : undefined;
  const isReseller = org?.kind === 'RESELLER' || org?.kind === 'PROVIDER';
  const links: { route: Route; label: string }[] = [
    { route: { page: 'fleet' }, label: 'Fleet' },
    { route: { page: 'alerts' }, label: 'Alerts' },
    { route: { page: 'billing' }, label: 'Billing' },
    ...(isReseller ? [{ route: { page: 'customers' } as Route, label: 'Customers' }] : []),
  ];
  return (
    <>
      <header className="top">
        <nav aria-label="Main">
          {links.map((link) => (
            <a key={link.label} href={hrefOf(link.route)} aria-current={link.route.page === route.page ? 'page' : undefined}>
              {link.label}
            </a>
          ))}
        </nav>
        {me.state.data ? <OrgSwitcher me={me.state.data} /> : null}
        <span className={`live live-${live}`} role="status" data-live={live}>
          {LIVE_LABELS[live]}
        </span>
        <span className="user">{session.user.displayName}</span>
        <button type="button" onClick={() => void logOut()}>
          Sign out
        </button>
      </header>
      <main>
        {!organizationId ? (
          <p>You have no organisation to act in.</p>
        ) : me.state.status === 'error' ? (
          <ErrorBox error={me.state.error} onRetry={me.reload} />
        ) : !org ? (
          <Loading what="your organisation" />
        ) : (
          <Page route={route} organizationId={organizationId} />
        )}
      </main>
    </>
  );
}

function Page({ route, organizationId }: { route: Route; organizationId: string }) {
  switch (route.page) {
    case 'vm':
      return <VmDetailPage id={route.id} />;
    case 'alerts':
      return <AlertsPage organizationId={organizationId} />;
    case 'billing':
      return <BillingPage organizationId={organizationId} />;
    case 'customers':
      return <CustomersPage organizationId={organizationId} />;
    default:
      return <FleetPage organizationId={organizationId} />;
  }
}
