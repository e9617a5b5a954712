import { timeToRecover } from '../load/steady-load.ts';
import { sleep, type Fault } from './fault.ts';

/** Stops the run's PostgreSQL (fast shutdown: every connection is cut), waits, starts it again. */
export const restartPostgres: Fault = {
  name: 'restart PostgreSQL',
  proves: 'losing every database connection crashes no process: requests fail (masked) meanwhile, pools reconnect, work resumes',
  async run(context) {
    const crashesBefore = context.platform.crashes().length;
    await context.postgres.down();
    context.log('PostgreSQL stopped; load continues for 5 s');
    await sleep(5_000);
    const healed = Date.now();
    await context.postgres.up();
    await timeToRecover(context.platform.gatewayUrl, context.tokens.get('admin@protea.example')!);
    const recoverMs = Date.now() - healed;
    const crashes = context.platform.crashes().slice(crashesBefore);
    return { recoverMs, violations: crashes, notes: [`${Object.values(context.platform.services).filter((s) => s.running).length} of 7 processes alive`] };
  },
};
