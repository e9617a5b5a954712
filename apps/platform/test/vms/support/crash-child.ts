/**
 * Instance A of the saga crash test, as a process of its own (run with `node --import tsx`): a vms
 * subgraph configured from the environment like main.ts, with a scripted compute provider. At the
 * saga hooks named in the test it tells the parent over IPC where it is and blocks there, so the
 * parent can SIGKILL it at exactly that point: no graceful stop, no code after the hook runs.
 *
 * IPC messages: { type: 'listening', url }, { type: 'build', vmId, name }, { type: 'hook', point, name, sagaId }.
 */
import { standaloneSubgraphDeps } from '@platform/kernel';
import { createVmsSubgraph, readVmsConfig, type ComputeProvider, type SagaHooks } from '@platform/vms';
import { scriptedCompute } from '@platform/vms/testing';

type Saga = Parameters<NonNullable<SagaHooks['afterHold']>>[0];

const send = (message: Record<string, unknown>): void => {
  if (!process.send) throw new Error('crash-child needs an IPC channel');
  process.send(message);
};

/** Reports that the saga reached `point`, then never returns: the process is killed here. */
const blockAt = (point: string) => (saga: Saga) => {
  send({ type: 'hook', point, name: saga.request.name, sagaId: saga.id });
  return new Promise<void>(() => {});
};

const config = readVmsConfig();
const deps = standaloneSubgraphDeps(config, ['tenancy:read', 'catalog:price', 'wallet:hold']);
const scripted = scriptedCompute(20);
const compute: ComputeProvider = {
  ...scripted.provider,
  build(request) {
    send({ type: 'build', vmId: request.vmId, name: request.name });
    return scripted.provider.build(request);
  },
};
const vms = createVmsSubgraph(config, deps, {
  compute,
  hooks: {
    afterHold: (saga) => (saga.request.name.startsWith('crash-hold') ? blockAt('afterHold')(saga) : Promise.resolve()),
    afterBuild: (saga) => (saga.request.name.startsWith('crash-built') ? blockAt('afterBuild')(saga) : Promise.resolve()),
  },
});
const server = await vms.start();
send({ type: 'listening', url: server.url });
