import { useSyncExternalStore } from 'react';

/**
 * Hash routes (#/fleet, #/vms/<id>, …): the gateway serves one page at /dashboard, so deep links need
 * no server-side fallback.
 */
export type Route = { page: 'fleet' } | { page: 'vm'; id: string } | { page: 'alerts' } | { page: 'billing' } | { page: 'customers' };

export function parseRoute(hash: string): Route {
  const [, page, id] = hash.replace(/^#/, '').split('/');
  if (page === 'vms' && id) return { page: 'vm', id: decodeURIComponent(id) };
  if (page === 'alerts' || page === 'billing' || page === 'customers') return { page };
  return { page: 'fleet' };
}

export const hrefOf = (route: Route) => (route.page === 'vm' ? `#/vms/${encodeURIComponent(route.id)}` : `#/${route.page}`);

export function useRoute(): Route {
  const hash = useSyncExternalStore(
    (listener) => {
      window.addEventListener('hashchange', listener);
      return () => window.removeEventListener('hashchange', listener);
    },
    () => location.hash,
  );
  return parseRoute(hash);
}
