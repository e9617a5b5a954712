import { DEMO_ORGS, DEMO_PASSWORD } from '@platform/platform';
import type { Tally } from '../tally.ts';
import { leakIn, outcomeOf, postGraphql, type GraphqlAnswer } from './graphql-http.ts';

/** The dashboard's landing query: one organisation across tenancy, vms (and catalog), wallet and billing. */
export const DASHBOARD_QUERY = `query Dashboard($org: ID!) {
  organization(id: $org) {
    name
    resourceSummary { vmCount running vcpuTotal memoryGib }
    virtualMachines(first: 10) { edges { node { id name status product { name } } } }
    wallet { available { amount currency } }
    currentBill { total { amount currency } }
  }
}`;

const PROVISION = `mutation Provision($input: ProvisionVirtualMachineInput!) { provisionVirtualMachine(input: $input) { id status } }`;
const LOG_IN = `mutation LogIn($email: String!, $password: String!) { logIn(email: $email, password: $password) { accessToken } }`;

/** The customers the load provisions in (each starts with R 25,000), with an admin of each. */
export const LOAD_ORGS = [
  { id: DEMO_ORGS.protea, admin: 'admin@protea.example' },
  { id: DEMO_ORGS.baobab, admin: 'admin@baobab.example' },
  { id: DEMO_ORGS.fynbos, admin: 'admin@fynbos.example' },
  { id: DEMO_ORGS.kalahari, admin: 'admin@kalahari.example' },
] as const;

export async function logIn(gatewayUrl: string, email: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const answer = await postGraphql(gatewayUrl, LOG_IN, { email, password: DEMO_PASSWORD });
    const token = (answer.data?.logIn as { accessToken?: string } | undefined)?.accessToken;
    if (token) return token;
    if (attempt >= 20) throw new Error(`cannot sign in as ${email}: ${JSON.stringify(answer.errors)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface SteadyLoad {
  /** Dashboard answers slower than this during the phase (ms), for the subgraph-timeout check. */
  readonly slowest: () => number;
  resetSlowest(): void;
  stop(): Promise<void>;
}

/**
 * Dashboard queries (two loops) and provisioning (one VM every couple of seconds, round robin over
 * four customers), all through the gateway, every answer recorded in the tally. A run-unique prefix
 * keeps idempotency keys and VM names apart from other runs.
 */
export function startSteadyLoad(options: {
  readonly gatewayUrl: string;
  readonly tokens: ReadonlyMap<string, string>;
  readonly tally: Tally;
  readonly runId: string;
  readonly provisionEveryMs?: number;
}): SteadyLoad {
  const { gatewayUrl, tally, tokens } = options;
  let stopped = false;
  let slowest = 0;
  const noteLeak = (answer: GraphqlAnswer) => {
    const leak = leakIn(answer);
    if (leak) tally.leaks.push(`${tally.phase}: ${leak.slice(0, 200)}`);
  };
  const token = (email: string) => tokens.get(email) ?? '';

  const dashboardLoop = async (org: (typeof LOAD_ORGS)[number]) => {
    while (!stopped) {
      const started = Date.now();
      const answer = await postGraphql(gatewayUrl, DASHBOARD_QUERY, { org: org.id }, { token: token(org.admin) });
      slowest = Math.max(slowest, Date.now() - started);
      tally.record('dashboard', outcomeOf(answer));
      noteLeak(answer);
      await new Promise((r) => setTimeout(r, 150));
    }
  };

  let n = 0;
  const provisionLoop = async () => {
    while (!stopped) {
      const org = LOAD_ORGS[n % LOAD_ORGS.length]!;
      const name = `chaos-${options.runId}-${n++}`;
      const input = { organizationId: org.id, name, spec: { vcpu: 1, memoryGib: 1, diskGib: 20 }, guestOs: 'UBUNTU_64', idempotencyKey: name };
      // The same key is retried until it is answered: the saga must make the retry harmless.
      for (let attempt = 0; attempt < 5 && !stopped; attempt++) {
        const answer = await postGraphql(gatewayUrl, PROVISION, { input }, { token: token(org.admin) });
        const outcome = outcomeOf(answer);
        tally.record('provision', outcome);
        noteLeak(answer);
        if (outcome === 'OK' || outcome === 'INSUFFICIENT_FUNDS' || outcome === 'CONFLICT') break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await new Promise((r) => setTimeout(r, options.provisionEveryMs ?? 2_000));
    }
  };

  const loops = [dashboardLoop(LOAD_ORGS[0]), dashboardLoop(LOAD_ORGS[1]), provisionLoop()];
  return {
    slowest: () => slowest,
    resetSlowest: () => {
      slowest = 0;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Sends the dashboard query until an answer is complete (no error, every part present); returns ms taken. */
export async function timeToRecover(gatewayUrl: string, token: string, timeoutMs = 300_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const answer = await postGraphql(gatewayUrl, DASHBOARD_QUERY, { org: LOAD_ORGS[0].id }, { token, timeoutMs: 5_000 });
    const org = answer.data?.organization as Record<string, unknown> | null | undefined;
    if (outcomeOf(answer) === 'OK' && org && org.wallet && org.currentBill && org.resourceSummary) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the dashboard did not recover within ${timeoutMs} ms`);
}
