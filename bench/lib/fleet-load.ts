/**
 * The load generator of bench/deployed-fleet-page.ts, in its own process so the deployment's CPU
 * figures hold none of it. Driven over IPC, one message at a time, each answered once done:
 *   { login: { gatewayUrl, identityUrl, walletUrl, billingSecret } } → { loggedIn }: demo users, a billing service token;
 *   { warm: { phase, requests } } → { warmed }: requests of the phase (JIT, caches, pools), not timed;
 *   { run: { phase, requests, concurrency } } → { result }: p50/p95/req/s, and this process's CPU;
 *   'exit'.
 * Phases: `mix` (nine users in seven customer organisations, each on its own fleet, one page in four
 * of 100 VMs, the rest of 10), `page100` (Protea's admin, 100 VMs), `wallet` (internalDebitForBill
 * of R0.01 on Protea's wallet, opened with R25,000 by the seed, with billing's service token, at wallet's
 * address at the load balancer).
 */
import { newId } from '@platform/kernel';
import { DEMO_ORGS, DEMO_PASSWORD, DEMO_USERS } from '@platform/platform';
import { gql } from '@platform/kernel/testing';
import { runConcurrently, summarise } from './stats.ts';

export type LoadPhase = 'mix' | 'page100' | 'wallet';

export interface LoadTarget {
  readonly gatewayUrl: string;
  readonly identityUrl: string;
  readonly walletUrl: string;
  /** billing's SERVICE_SECRET: the wallet phase posts as billing does. */
  readonly billingSecret: string;
}

export const FLEET_PAGE = `query($id: ID!, $n: Int!) { organization(id: $id) {
  virtualMachines(first: $n) { edges { node { name status spec { vcpu memoryMib } product { name price { monthly { amount } } } } } }
  resourceSummary { vmCount running vcpuTotal memoryGib diskTib }
  wallet { available { amount } }
} }`;
const DEBIT = `mutation($input: DebitForBillInput!) { internalDebitForBill(input: $input) { id balanceAfter { amount } } }`;
const LOG_IN = 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }';

/** The customers' own staff: several users of the largest customer, one of each other customer. */
const MIX_USERS = [
  'admin@protea.example',
  'dev@protea.example',
  'viewer@protea.example',
  'admin@baobab.example',
  'admin@fynbos.example',
  'admin@kalahari.example',
  'admin@springbok.example',
  'admin@umhlanga.example',
  'admin@tablebay.example',
];

interface Caller {
  readonly email: string;
  readonly organizationId: string;
  readonly token: string;
}

let target: LoadTarget | undefined;
let callers: Caller[] = [];
let billingToken = '';
let protea: Caller | undefined;

process.once('disconnect', () => process.exit(0)); // the benchmark ended, however it ended
process.on('message', (message: unknown) => {
  void handle(message).then(
    (reply) => reply && process.send?.(reply),
    (error: unknown) => {
      process.send?.({ error: String(error instanceof Error ? (error.stack ?? error.message) : error) });
    },
  );
});

async function handle(message: unknown): Promise<object | undefined> {
  if (message === 'exit') {
    process.exit(0);
  }
  const m = message as { login?: LoadTarget; warm?: { phase: LoadPhase; requests: number }; run?: { phase: LoadPhase; requests: number; concurrency: number } };
  if (m.login) {
    await logIn(m.login);
    return { loggedIn: callers.length };
  }
  if (m.warm) {
    const task = taskFor(m.warm.phase);
    await runConcurrently(m.warm.requests, 4, task);
    return { warmed: m.warm.phase };
  }
  if (m.run) {
    const { phase, requests, concurrency } = m.run;
    const task = taskFor(phase);
    const { durations, wallMs, cpuMs, failed } = await runConcurrently(requests, concurrency, task);
    const stats = summarise(durations, wallMs, cpuMs, failed);
    const { cpuMsPerRequest, ...rest } = stats;
    return { result: { ...rest, loadGeneratorCpuMsPerRequest: cpuMsPerRequest } };
  }
  throw new Error(`unknown message ${JSON.stringify(message)}`);
}

async function logIn(to: LoadTarget) {
  target = to;
  callers = [];
  for (const email of MIX_USERS) {
    const user = DEMO_USERS.find((u) => u.email === email);
    if (!user) throw new Error(`no demo user ${email}`);
    const r = await gql<{ logIn: { accessToken: string } }>(to.gatewayUrl, LOG_IN, { e: email, p: DEMO_PASSWORD });
    if (!r.data?.logIn) throw new Error(`login ${email}: ${JSON.stringify(r.errors)}`);
    callers.push({ email, organizationId: user.organizationId, token: r.data.logIn.accessToken });
  }
  protea = callers[0];
  const response = await fetch(new URL('/internal/service-token', to.identityUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${to.billingSecret}` },
    body: JSON.stringify({ service: 'billing', scopes: ['wallet:debit'] }),
  });
  if (!response.ok) throw new Error(`billing's service token: HTTP ${response.status}`);
  billingToken = ((await response.json()) as { token: string }).token;
}

function taskFor(phase: LoadPhase): (i: number) => Promise<void> {
  if (!target || !protea) throw new Error('log in first');
  const { gatewayUrl, walletUrl } = target;
  const page = async (caller: Caller, n: number) => {
    const r = await gql(gatewayUrl, FLEET_PAGE, { id: caller.organizationId, n }, { token: caller.token });
    if (r.errors || r.status !== 200) throw new Error(`${caller.email} page ${n}: HTTP ${r.status} ${JSON.stringify(r.errors)}`);
    const edges = (r.data as { organization: { virtualMachines: { edges: unknown[] } } }).organization.virtualMachines.edges;
    if (edges.length !== n) throw new Error(`${caller.email}: ${edges.length} VMs, expected ${n}`);
  };
  if (phase === 'mix') return (i) => page(callers[i % callers.length]!, i % 4 === 3 ? 100 : 10);
  if (phase === 'page100') return () => page(protea!, 100);
  return async () => {
    const input = { organizationId: DEMO_ORGS.protea, billId: newId(), amount: '0.01' };
    const r = await gql(`${walletUrl}/graphql`, DEBIT, { input }, { token: billingToken });
    if (r.errors || r.status !== 200) throw new Error(`debit: HTTP ${r.status} ${JSON.stringify(r.errors)}`);
  };
}
