import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DEMO_ORGS } from '@platform/platform';
import { timeToRecover } from '../load/steady-load.ts';
import { sleep, type Fault } from './fault.ts';

const BURST = 500;
const STREAM = 'events:topic:vms.vm.imported';

/** A vSphere snapshot of `count` new VMs in one pool (the shapes of ../shared/data/vcenter-snapshot.sample.json). */
export function burstSnapshot(count: number, runId: string): string {
  const vms = Array.from({ length: count }, (_, i) => ({
    vm: `vm-chaos-${i}`,
    resource_pool: 'resgroup-chaos',
    info: {
      name: `chaos-import-${runId}-${i}`,
      guest_OS: 'UBUNTU_64',
      identity: { name: `chaos-import-${runId}-${i}`, instance_uuid: randomUUID() },
      power_state: 'POWERED_OFF',
      cpu: { count: 1 },
      memory: { size_MiB: 1024 },
      disks: { '2000': { label: 'Hard disk 1', type: 'SCSI', capacity: 21_474_836_480 } },
    },
  }));
  return JSON.stringify({ vcenter: `chaos-${runId}.example.internal`, collected_at: new Date().toISOString(), vms });
}

/**
 * A vCenter import writes 500 `vms.vm.imported` events in one transaction; the vms outbox relay
 * moves them to Redis 100 at a time (claim, append, mark published, commit). While it is part-way,
 * vms is SIGKILLed, then restarted. The invariants that follow (every event applied by billing exactly
 * once) prove the relay lost and doubled nothing. The figures say where the kill landed: rows marked
 * published, and entries appended to the stream but not yet marked (the crash window the relay's
 * republish and the consumers' idempotence cover).
 */
export function killRelay(options: { vmsDatabaseUrl: string; runId: string }): Fault {
  return {
    name: 'kill the outbox relay mid-batch',
    proves: 'a relay killed between appending to the bus and marking rows published loses no event and applies none twice',
    async run(context) {
      const vms = context.platform.services.vms;
      const db = new pg.Pool({ connectionString: options.vmsDatabaseUrl, max: 1 });
      db.on('error', () => {});
      const redis = new Redis(context.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        const streamBefore = await redis.xlen(STREAM);
        const importStarted = new Date();
        const response = await fetch(`${vms.url}/import/vcenter?map=resgroup-chaos=${DEMO_ORGS.springbok}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${context.tokens.get('admin@highveld.example')}` },
          body: burstSnapshot(BURST, options.runId),
          signal: AbortSignal.timeout(120_000),
        });
        const text = await response.text();
        if (!response.ok || !text.includes('"report"')) throw new Error(`the burst import failed: HTTP ${response.status} ${text.slice(-300)}`);
        // Kill as soon as the relay has published part of the burst, not all of it.
        const count = async () =>
          Number(
            (
              await db.query<{ n: string }>(
                `select count(*) filter (where published_at is not null) as n from outbox where topic = 'vms.vm.imported' and created_at >= $1`,
                [importStarted],
              )
            ).rows[0]?.n,
          );
        const deadline = Date.now() + 30_000;
        let published = await count();
        while (published === 0 && Date.now() < deadline) {
          await sleep(5);
          published = await count();
        }
        await vms.kill();
        const markedAtKill = await count();
        const appendedAtKill = (await redis.xlen(STREAM)) - streamBefore;
        context.log(`vms killed with ${markedAtKill}/${BURST} burst events marked published, ${appendedAtKill} appended to the stream`);
        const violations: string[] = [];
        if (markedAtKill >= BURST) violations.push('the relay had finished the burst before the kill (not mid-batch); rerun on a quieter machine');
        const healed = Date.now();
        await vms.start();
        await timeToRecover(context.platform.gatewayUrl, context.tokens.get('admin@protea.example')!);
        const recoverMs = Date.now() - healed;
        return {
          recoverMs,
          violations,
          notes: [
            `burst of ${BURST} events; at the kill ${markedAtKill} marked published, ${appendedAtKill} appended to Redis (${Math.max(0, appendedAtKill - markedAtKill)} appended but unmarked)`,
          ],
        };
      } finally {
        redis.disconnect();
        await db.end();
      }
    },
  };
}
