import { timeToRecover } from '../load/steady-load.ts';
import { CHAOS_TIMINGS } from '../platform-processes.ts';
import { answered, sleep, type Fault } from './fault.ts';

/** How much later than the subgraph timeout an answer may come (the gateway's own work, a busy machine). */
export const TIMEOUT_SLACK_MS = 8_000;

/** SIGKILL billing for a while, then start it again. */
export const killSubgraph: Fault = {
  name: 'kill billing (SIGKILL)',
  proves:
    'a dead subgraph costs only its fields: dashboards get the rest of their data with a masked error, within the subgraph timeout; it serves again once restarted',
  async run(context) {
    const billing = context.platform.services.billing;
    context.load.resetSlowest();
    await billing.kill();
    context.log('billing killed; load continues for 8 s');
    await sleep(8_000);
    const violations: string[] = [];
    const partial = answered(context, 'dashboard', 'PARTIAL');
    if (partial === 0) violations.push('no dashboard answer carried partial data while billing was down');
    const slowest = context.load.slowest();
    if (slowest > CHAOS_TIMINGS.subgraphTimeoutMs + TIMEOUT_SLACK_MS) violations.push(`a dashboard answer took ${slowest} ms with billing down`);
    const healed = Date.now();
    await billing.start();
    await timeToRecover(context.platform.gatewayUrl, context.tokens.get('admin@protea.example')!);
    return { recoverMs: Date.now() - healed, violations, notes: [`${partial} partial dashboards while down; slowest answer ${slowest} ms`] };
  },
};
