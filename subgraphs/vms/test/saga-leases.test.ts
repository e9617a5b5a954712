import { createLogger, newId } from '@platform/kernel';
import { until } from '@platform/testkit';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { Provisioning } from '../src/domain/provisioning.ts';
import { scriptedCompute } from '../src/testing/scripted-compute.ts';
import { listPricing, vmsTest as test, type RunningVms } from './support/fixtures.ts';

// Replica A is the running subgraph (its lease lasts VMS_SAGA_STALE_MS, 30 s); replica B is a second
// Provisioning on the same database with its own compute provider, as another vms process would be.
const PROVISION = 'mutation($input: ProvisionVirtualMachineInput!) { provisionVirtualMachine(input: $input) { id status } }';

function replicaB(vms: RunningVms) {
  const compute = scriptedCompute();
  const provisioning = new Provisioning(vms.db, vms.db, {
    pricing: listPricing,
    wallet: vms.wallet.port,
    compute: compute.provider,
    logger: createLogger({ service: 'vms-replica-b' }, 'error'),
    holdTtlSeconds: 3600,
    staleAfterMs: 0, // B would take over anything whose lease has run out, at once
  });
  return { provisioning, builds: compute.builds };
}

async function provisionHeld(vms: RunningVms, name: string): Promise<{ vmId: string; sagaId: string }> {
  vms.compute.hold(); // A's build waits until release()
  const r = await vms.call(
    PROVISION,
    { input: { organizationId: vms.orgs.customerA, name, spec: { vcpu: 1, memoryGib: 1, diskGib: 20 }, guestOs: 'UBUNTU_64', idempotencyKey: newId() } },
    await vms.user(vms.orgs.customerA, 'ADMIN'),
  );
  expect(r.errors).toBeUndefined();
  const vmId = r.data.provisionVirtualMachine.id as string;
  await until(async () => (vms.compute.builds.includes(vmId) ? true : undefined));
  const saga = await sql<{ id: string }>`select id from provision_sagas where vm_id = ${vmId}`.execute(vms.db);
  return { vmId, sagaId: saga.rows[0]!.id };
}

const statusOf = async (vms: RunningVms, vmId: string) =>
  (await sql<{ status: string }>`select status from virtual_machines where id = ${vmId}`.execute(vms.db)).rows[0]?.status;

test('while replica A holds the lease of a saga it is building, replica B neither takes it over nor builds it', async ({ vms }) => {
  const b = replicaB(vms);
  const { vmId, sagaId } = await provisionHeld(vms, 'leased-by-a');
  expect(await b.provisioning.recover()).toBe(0);
  await b.provisioning.drive(sagaId); // a client retry reaching B: it leaves the saga to A
  vms.compute.release();
  await until(async () => ((await statusOf(vms, vmId)) === 'RUNNING' ? true : undefined));
  expect(vms.compute.builds.filter((id) => id === vmId)).toEqual([vmId]);
  expect(b.builds).toEqual([]);
  await b.provisioning.stop();
});

test('a saga whose lease ran out (its replica died mid-build) is taken over by another replica, which finishes it', async ({ vms }) => {
  const b = replicaB(vms);
  const { vmId, sagaId } = await provisionHeld(vms, 'orphaned-by-a');
  // A dies: nobody renews its lease, which runs out. (A's own build stays stuck until release below.)
  await sql`update provision_sagas set lease_owner = 'replica-that-died', lease_until = now() - interval '1 second' where id = ${sagaId}`.execute(vms.db);
  expect(await b.provisioning.recover()).toBe(1);
  await until(async () => ((await statusOf(vms, vmId)) === 'RUNNING' ? true : undefined));
  expect(b.builds).toEqual([vmId]);
  const saga = await sql<{ lease_owner: string | null; state: string; hold_id: string }>`
    select lease_owner, state, hold_id from provision_sagas where id = ${sagaId}`.execute(vms.db);
  expect(saga.rows[0]).toMatchObject({ lease_owner: null, state: 'COMPLETED' }); // B gave the lease up when it finished
  expect(vms.wallet.holds.get(saga.rows[0]!.hold_id)?.status).toBe('RELEASED'); // a funds check only: the monthly bill charges usage
  vms.compute.release();
  await b.provisioning.stop();
});
