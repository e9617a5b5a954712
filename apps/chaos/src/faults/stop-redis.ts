import { LOAD_ORGS, timeToRecover } from '../load/steady-load.ts';
import { answered, sleep, type Fault } from './fault.ts';

/**
 * Stops Redis (the event bus, live fan-out, shared rate limits) and watches what still works; then
 * starts it again (its append-only file keeps the streams) and the invariants prove nothing was lost.
 */
export const stopRedis: Fault = {
  name: 'stop Redis',
  proves:
    'without Redis, reads and writes go on (outbox rows wait, rate limits fail open, live events pause); when it returns the backlog is relayed and consumed',
  async run(context) {
    const crashesBefore = context.platform.crashes().length;
    const receivedBefore = context.subscribers.received();
    await context.redis.down();
    context.log('Redis stopped; load continues for 10 s');
    await sleep(10_000);
    const okDashboards = answered(context, 'dashboard', 'OK');
    const okProvisions = answered(context, 'provision', 'OK');
    const okTelemetry = answered(context, 'telemetry', 'OK');
    const liveDuring = context.subscribers.received() - receivedBefore;
    const healed = Date.now();
    await context.redis.up();
    await timeToRecover(context.platform.gatewayUrl, context.tokens.get(LOAD_ORGS[0].admin)!);
    const recoverMs = Date.now() - healed;
    const violations = context.platform.crashes().slice(crashesBefore);
    if (okDashboards === 0) violations.push('no dashboard answered while Redis was down');
    return {
      recoverMs,
      violations,
      notes: [
        `while down: ${okDashboards} dashboards OK, ${okProvisions} provisions OK, ${okTelemetry} telemetry posts OK, ${liveDuring} live status events delivered`,
      ],
    };
  },
};
