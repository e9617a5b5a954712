import { collect, wsClient, type Closed } from '@platform/kernel/testing';
import type { LOAD_ORGS } from './steady-load.ts';

const STATUS_CHANGES = `subscription Status($org: ID!) { virtualMachineStatusChanged(organizationId: $org) { fromStatus toStatus vm { id name } } }`;

export interface Subscribers {
  /** Status events received so far, over every client. */
  received(): number;
  /** Every close the clients saw (code and reason), oldest first. */
  closes(): readonly Closed[];
  /** The same, per client: a client retrying a gateway that is down adds a 1006 per attempt after its first close. */
  closesByClient(): readonly (readonly Closed[])[];
  stop(): void;
}

/**
 * Live charts: one stock graphql-ws client per load organisation, each watching its VMs' status
 * changes through the gateway and reconnecting (resubscribing) whenever the socket closes, as a browser does.
 */
export function startSubscribers(gatewayUrl: string, tokens: ReadonlyMap<string, string>, orgs: typeof LOAD_ORGS): Subscribers {
  const clients = orgs.map((org) => {
    const { client, closes } = wsClient(gatewayUrl, () => tokens.get(org.admin) ?? '', { retryAttempts: Number.MAX_SAFE_INTEGER });
    const feed = collect(client, STATUS_CHANGES, { org: org.id });
    return { client, closes, feed };
  });
  return {
    received: () => clients.reduce((sum, c) => sum + c.feed.results.length, 0),
    closes: () => clients.flatMap((c) => c.closes),
    closesByClient: () => clients.map((c) => c.closes),
    stop: () => {
      for (const c of clients) {
        c.feed.stop();
        void c.client.dispose();
      }
    },
  };
}
