import type { VmLifecycleTopic } from '@platform/events';
import type { PowerState, VmEventKind, VmStatus } from './vm.ts';

export type VmAction = 'POWER_ON' | 'POWER_OFF' | 'RESTART' | 'SUSPEND' | 'RESIZE' | 'DELETE';

export interface Transition {
  /** The statuses the action may start from. */
  readonly from: readonly VmStatus[];
  readonly to: VmStatus;
  readonly powerState: PowerState;
  readonly event: VmEventKind;
  /** Outbox topic: billing rates usage from these. */
  readonly topic: VmLifecycleTopic;
  /** How to ask for the action in words, for INVALID_STATE messages. */
  readonly verb: string;
  readonly hint: string;
}

/**
 * The lifecycle state machine. PROVISIONING and ERROR belong to the provisioning saga; DELETED is final.
 * A resize needs the VM powered off (no hot-add); a delete needs it not running.
 */
export const TRANSITIONS: Readonly<Record<VmAction, Transition>> = {
  POWER_ON: {
    from: ['STOPPED', 'SUSPENDED'],
    to: 'RUNNING',
    powerState: 'POWERED_ON',
    event: 'POWERED_ON',
    topic: 'vms.vm.powered_on',
    verb: 'powered on',
    hint: 'it must be STOPPED or SUSPENDED',
  },
  POWER_OFF: {
    from: ['RUNNING', 'SUSPENDED'],
    to: 'STOPPED',
    powerState: 'POWERED_OFF',
    event: 'POWERED_OFF',
    topic: 'vms.vm.powered_off',
    verb: 'powered off',
    hint: 'it must be RUNNING or SUSPENDED',
  },
  RESTART: {
    from: ['RUNNING'],
    to: 'RUNNING',
    powerState: 'POWERED_ON',
    event: 'RESTARTED',
    topic: 'vms.vm.restarted',
    verb: 'restarted',
    hint: 'it must be RUNNING',
  },
  SUSPEND: {
    from: ['RUNNING'],
    to: 'SUSPENDED',
    powerState: 'SUSPENDED',
    event: 'SUSPENDED',
    topic: 'vms.vm.suspended',
    verb: 'suspended',
    hint: 'it must be RUNNING',
  },
  RESIZE: {
    from: ['STOPPED'],
    to: 'STOPPED',
    powerState: 'POWERED_OFF',
    event: 'RESIZED',
    topic: 'vms.vm.resized',
    verb: 'resized',
    hint: 'power it off first',
  },
  DELETE: {
    from: ['STOPPED', 'SUSPENDED', 'ERROR'],
    to: 'DELETED',
    powerState: 'POWERED_OFF',
    event: 'DELETED',
    topic: 'vms.vm.deleted',
    verb: 'deleted',
    hint: 'power it off first',
  },
};

export const canTransition = (action: VmAction, from: VmStatus): boolean => TRANSITIONS[action].from.includes(from);

export function invalidStateMessage(action: VmAction, current: VmStatus): string {
  const t = TRANSITIONS[action];
  return `The VM is ${current} and cannot be ${t.verb}: ${t.hint}.`;
}
