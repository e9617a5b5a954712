import { DASHBOARD_QUERY, LOAD_ORGS, timeToRecover } from '../load/steady-load.ts';
import { outcomeOf, postGraphql } from '../load/graphql-http.ts';
import { sleep, type Fault } from './fault.ts';

const IN_FLIGHT = 8;

/**
 * SIGTERM the gateway while requests are in flight. To be sure they are in flight (not merely sent),
 * billing is frozen first, so each dashboard waits inside the gateway; billing is thawed just after the
 * signal and the requests must all finish with a 200. Every live WebSocket must be closed with 1001.
 */
export const gatewaySigterm: Fault = {
  name: 'SIGTERM the gateway',
  proves: 'a gateway shutting down finishes the requests it holds and closes WebSockets with 1001 (clients reconnect to the next one)',
  async run(context) {
    const { gateway, billing } = context.platform.services;
    const token = context.tokens.get(LOAD_ORGS[0].admin)!;
    const closesBefore = context.subscribers.closesByClient().map((c) => c.length);
    billing.freeze();
    const inFlight = Array.from({ length: IN_FLIGHT }, () =>
      postGraphql(context.platform.gatewayUrl, DASHBOARD_QUERY, { org: LOAD_ORGS[0].id }, { token, timeoutMs: 20_000 }),
    );
    // Long enough for a busy machine to have read every request; billing, frozen, holds them (timeout 10 s).
    await sleep(3_000);
    gateway.signal('SIGTERM');
    await sleep(300);
    billing.thaw();
    const answers = await Promise.all(inFlight);
    await gateway.exited();
    const violations: string[] = [];
    const statuses = answers.map((a) => `${a.status} ${outcomeOf(a)}`);
    const unfinished = answers.filter((a) => a.status !== 200);
    if (unfinished.length > 0) violations.push(`${unfinished.length} of ${IN_FLIGHT} in-flight requests did not finish: ${statuses.join(', ')}`);
    // Each client's first close after the signal is the gateway's; later ones (1006) are its reconnect attempts meanwhile.
    const firstCloses = context.subscribers.closesByClient().map((closes, i) => closes[closesBefore[i] ?? 0]);
    const codes = firstCloses.map((c) => c?.code ?? 'none');
    if (codes.some((code) => code !== 1001)) violations.push(`first WebSocket close code per client ${JSON.stringify(codes)}, expected 1001 for each`);
    const healed = Date.now();
    await gateway.start();
    await timeToRecover(context.platform.gatewayUrl, token);
    return {
      recoverMs: Date.now() - healed,
      violations,
      notes: [
        `in-flight answers: ${IN_FLIGHT - unfinished.length}/${IN_FLIGHT} HTTP 200 (${[...new Set(statuses)].join(', ')})`,
        `first close per client: ${codes.join(', ')}`,
      ],
    };
  },
};
