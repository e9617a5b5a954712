import type { CpuSpeedClass, OrganizationKind, StorageTier } from '@platform/kernel';
import type { EventMoney } from './money.ts';

export interface OrganizationCreated {
  readonly organizationId: string;
  readonly kind: OrganizationKind;
  readonly parentId: string | null;
}

export interface OrganizationUpdated {
  readonly organizationId: string;
  readonly name: string;
  readonly status: 'ACTIVE' | 'SUSPENDED';
  /** Why a service changed the status (e.g. billing's overdue-bill policy); absent for a user's change. */
  readonly reason?: string;
}

export interface QuoteAccepted {
  readonly quoteId: string;
  readonly organizationId: string;
  readonly subtotal: EventMoney;
  readonly vat: EventMoney;
  readonly total: EventMoney;
  readonly acceptedAt: string;
}

export interface VmSpecPayload {
  readonly vcpu: number | null;
  readonly cpuSpeed: CpuSpeedClass;
  readonly memoryMib: number | null;
  readonly diskGib: number;
  readonly storageTier: StorageTier;
}

/** A VM as it is after the change the topic names; billing rates usage from these. */
export interface VmChanged {
  readonly vmId: string;
  readonly organizationId: string;
  readonly productId: string | null;
  readonly status: 'PROVISIONING' | 'RUNNING' | 'STOPPED' | 'SUSPENDED' | 'ERROR' | 'DELETED';
  readonly powerState: 'POWERED_ON' | 'POWERED_OFF' | 'SUSPENDED';
  readonly spec: VmSpecPayload;
  readonly at: string;
  /** The status before the change, where the producer knew it (lifecycle actions); live status events show it. */
  readonly previousStatus?: VmChanged['status'];
  /** SKUs of the LICENCE products the VM carries. Added later: an event without it means none. */
  readonly licences?: readonly string[];
  /** SKUs of the ADD_ON products the VM carries. Added later: an event without it means none. */
  readonly addOns?: readonly string[];
}

export interface HoldPlaced {
  readonly holdId: string;
  readonly walletId: string;
  readonly organizationId: string | null;
  readonly amount: EventMoney;
  readonly expiresAt: string;
  readonly reference: string | null;
}

export interface LowBalance {
  readonly walletId: string;
  readonly organizationId: string;
  readonly available: EventMoney;
  readonly threshold: EventMoney;
}

/**
 * One status change of one alert (vms): PENDING, FIRING, ACKNOWLEDGED, RESOLVED; `fromStatus` is null when
 * the alert opens. `seq` is the alert_events sequence (a decimal string): consumers order by it and can
 * replay the transition log after it.
 */
export interface AlertChanged {
  readonly alertId: string;
  readonly organizationId: string;
  readonly vmId: string;
  /** Null for a "no data" alert. */
  readonly ruleId: string | null;
  readonly kind: 'THRESHOLD' | 'NO_DATA';
  /** The metric a threshold alert watches (e.g. cpu_percent); null for "no data". */
  readonly metric: string | null;
  readonly fromStatus: 'PENDING' | 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED' | null;
  readonly toStatus: 'PENDING' | 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED';
  readonly severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
  readonly at: string;
  readonly seq: string;
}

export type TopUpStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'EXPIRED' | 'REFUNDED';

/** A top-up (money in through the payment provider) was created or changed status. */
export interface TopUpChanged {
  readonly topUpId: string;
  readonly organizationId: string;
  readonly status: TopUpStatus;
  readonly previousStatus: TopUpStatus | null;
  readonly amount: EventMoney;
  readonly reason: string | null;
  readonly at: string;
}

/** An organisation's accrued spend reached 80 % or 100 % of its monthly budget (once per threshold per period). */
export interface BudgetThresholdReached {
  readonly organizationId: string;
  readonly thresholdPercent: number;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly budget: EventMoney;
  readonly spent: EventMoney;
}

/** A reseller's commission statement was approved or paid. */
export interface CommissionStatementChanged {
  readonly statementId: string;
  readonly resellerId: string;
  readonly status: 'PENDING' | 'APPROVED' | 'PAID';
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly amount: EventMoney;
}

/** A bill finalised by a period close (numbered, not yet settled). */
export interface BillFinalised {
  readonly billId: string;
  readonly organizationId: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly invoiceNumber: string;
  readonly subtotal: EventMoney;
  readonly vat: EventMoney;
  readonly total: EventMoney;
}

export interface BillPaid {
  readonly billId: string;
  readonly organizationId: string;
  readonly invoiceNumber: string;
  readonly total: EventMoney;
  readonly paidAt: string;
}

/** The wallet refused the bill's debit (funds short, or the organisation may not spend). */
export interface BillUnpaid {
  readonly billId: string;
  readonly organizationId: string;
  readonly invoiceNumber: string;
  readonly total: EventMoney;
  readonly reason: string;
  readonly unpaidSince: string;
}

export interface OrganizationSuspendedForBill {
  readonly billId: string;
  readonly organizationId: string;
  readonly invoiceNumber: string;
  readonly total: EventMoney;
  readonly unpaidSince: string;
  readonly suspendedAt: string;
  /** BILLING_SUSPEND_AFTER_DAYS when it happened. */
  readonly afterDays: number;
}

/** The one map from every topic to its payload: producers and consumers are typed by it. */
export interface EventContracts {
  'tenancy.organization.created': OrganizationCreated;
  'tenancy.organization.updated': OrganizationUpdated;
  'catalog.quote.accepted': QuoteAccepted;
  'vms.vm.provisioning': VmChanged & { readonly holdId: string };
  'vms.vm.provisioned': VmChanged & { readonly holdId: string };
  'vms.vm.provision_failed': VmChanged & { readonly holdId?: string; readonly reason?: string };
  'vms.vm.imported': VmChanged;
  'vms.vm.import_updated': VmChanged;
  'vms.vm.powered_on': VmChanged;
  'vms.vm.powered_off': VmChanged;
  'vms.vm.restarted': VmChanged;
  'vms.vm.suspended': VmChanged;
  'vms.vm.resized': VmChanged & { readonly previousSpec: VmSpecPayload };
  'vms.vm.deleted': VmChanged;
  'vms.alert.changed': AlertChanged;
  'wallet.hold_placed': HoldPlaced;
  'wallet.low_balance': LowBalance;
  'billing.top_up.changed': TopUpChanged;
  'billing.budget.threshold_reached': BudgetThresholdReached;
  'billing.commission_statement.changed': CommissionStatementChanged;
  'billing.bill.finalised': BillFinalised;
  'billing.bill.paid': BillPaid;
  'billing.bill.unpaid': BillUnpaid;
  'billing.bill.organization_suspended': OrganizationSuspendedForBill;
}

export type Topic = keyof EventContracts;

/** Every topic carrying a VM's state after a change (payload VmChanged): what billing and live status follow. */
export const VM_CHANGED_TOPICS = [
  'vms.vm.provisioning',
  'vms.vm.provisioned',
  'vms.vm.provision_failed',
  'vms.vm.imported',
  'vms.vm.import_updated',
  'vms.vm.powered_on',
  'vms.vm.powered_off',
  'vms.vm.restarted',
  'vms.vm.suspended',
  'vms.vm.resized',
  'vms.vm.deleted',
] as const satisfies readonly Topic[];

/** The topics a VM lifecycle action (power, resize, delete) writes. */
export type VmLifecycleTopic = Extract<Topic, `vms.vm.${'powered_on' | 'powered_off' | 'restarted' | 'suspended' | 'resized' | 'deleted'}`>;
