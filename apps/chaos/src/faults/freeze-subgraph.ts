import { timeToRecover } from '../load/steady-load.ts';
import { CHAOS_TIMINGS } from '../platform-processes.ts';
import { answered, sleep, type Fault } from './fault.ts';
import { TIMEOUT_SLACK_MS } from './kill-subgraph.ts';

/** SIGSTOP billing: its socket accepts, nothing answers; only the gateway's timeout ends the wait. */
export const freezeSubgraph: Fault = {
  name: 'freeze billing (SIGSTOP)',
  proves: 'a hung subgraph is cut off at SUBGRAPH_TIMEOUT_MS: answers stay partial and prompt, never hang; SIGCONT brings it back',
  async run(context) {
    const billing = context.platform.services.billing;
    context.load.resetSlowest();
    billing.freeze();
    context.log('billing frozen; load continues for 15 s');
    await sleep(15_000);
    const violations: string[] = [];
    const partial = answered(context, 'dashboard', 'PARTIAL');
    if (partial === 0) violations.push('no dashboard answer carried partial data while billing was frozen');
    const slowest = context.load.slowest();
    if (slowest > CHAOS_TIMINGS.subgraphTimeoutMs + TIMEOUT_SLACK_MS) violations.push(`a dashboard answer took ${slowest} ms with billing frozen`);
    const healed = Date.now();
    billing.thaw();
    await timeToRecover(context.platform.gatewayUrl, context.tokens.get('admin@protea.example')!);
    return { recoverMs: Date.now() - healed, violations, notes: [`${partial} partial dashboards while frozen; slowest answer ${slowest} ms`] };
  },
};
