import { useLiveStatus } from './api/live';
import { logOut, useSession } from './api/session';
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
  const org = session.organization;
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
        <OrgSwitcher session={session} />
        <span className={`live live-${live}`} role="status" data-live={live}>
          {LIVE_LABELS[live]}
        </span>
        <span className="user">{session.user.displayName}</span>
        <button type="button" onClick={() => void logOut()}>
          Sign out
        </button>
      </header>
      <main>
        {!org ? (
          <p>You have no organisation to act in.</p>
        ) : (
          // Keyed by organisation: switching starts every page (and its subscriptions) afresh.
          <Page key={org.id} route={route} organizationId={org.id} />
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
