/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Response targets (respondBy): CRITICAL 15 min, HIGH 1 h, MEDIUM 4 h, LOW 09:00 on the next weekday, Africa/Johannesburg time. */
export type AlertSeverity =
  | 'CRITICAL'
  | 'HIGH'
  | 'LOW'
  | 'MEDIUM';

/**
 * PENDING: the condition holds, not yet for the rule's for-duration. FIRING: it held for the for-duration.
 * ACKNOWLEDGED: someone is on it. RESOLVED: clear again for the for-duration (a PENDING alert whose condition
 * clears resolves at once, never having fired), or resolved for another reason (see resolution).
 */
export type AlertStatus =
  | 'ACKNOWLEDGED'
  | 'FIRING'
  | 'PENDING'
  | 'RESOLVED';

export type BillStatus =
  /** Finalised and numbered; settlement from the wallet not yet answered. */
  | 'ISSUED'
  /** Settled from the wallet. */
  | 'PAID'
  /** The wallet refused the debit (funds short, or the organisation may not spend); retried on later passes. */
  | 'UNPAID';

export type CommissionStatementStatus =
  | 'APPROVED'
  | 'PAID'
  | 'PENDING';

export type CommissionTier =
  /** 5 % */
  | 'BRONZE'
  /** 15 % */
  | 'GOLD'
  /** 10 % */
  | 'SILVER';

export type CpuSpeedClass =
  /** 1.8 GHz vCPUs. */
  | 'ECONOMY'
  /** 2.0 GHz vCPUs. */
  | 'STANDARD';

export type CreateTopUpInput = {
  /** A positive decimal amount within the configured bounds (by default 10.00 to 100000.00). */
  amount: string;
  /** ZAR (the default) is the only currency. */
  currency?: string | null | undefined;
  /** The same key with the same request returns the first top-up; with a different amount, CONFLICT. */
  idempotencyKey?: string | null | undefined;
  organizationId: string | number;
};

export type HealthStatus =
  /** Score under 50. */
  | 'CRITICAL'
  /** Score 50 to 79. */
  | 'DEGRADED'
  /** Score 80 or more. */
  | 'HEALTHY'
  /** Not running, or no telemetry for 2 minutes: not known to be healthy. */
  | 'UNKNOWN';

export type MetricResolution =
  /** The finest store and bucket width that keep the series at or under 500 points. */
  | 'AUTO'
  /** 5-minute rollups (kept 35 days). */
  | 'FIVE_MINUTES'
  /** 1-hour rollups (kept 400 days). */
  | 'HOUR'
  /** Raw 20-second samples (kept 48 hours). */
  | 'RAW';

export type OrganizationKind =
  | 'CUSTOMER'
  | 'PROVIDER'
  | 'RESELLER';

export type OrganizationStatus =
  | 'ACTIVE'
  | 'SUSPENDED';

export type PowerState =
  | 'POWERED_OFF'
  | 'POWERED_ON'
  | 'SUSPENDED';

export type Role =
  | 'ADMIN'
  | 'BILLING'
  | 'MEMBER'
  | 'OWNER'
  | 'VIEWER';

export type StorageTier =
  | 'PREMIUM'
  | 'STANDARD';

export type TopUpStatus =
  /** Not paid in time; nothing was credited. */
  | 'EXPIRED'
  /** The provider refused the payment; nothing was credited. */
  | 'FAILED'
  /** Waiting for the customer to pay at the checkout. */
  | 'PENDING'
  /** Paid, then refunded by the provider; the credit is reversed in the wallet. */
  | 'REFUNDED'
  /** Paid; the wallet is credited (exactly once). */
  | 'SUCCEEDED';

export type VirtualMachineEventKind =
  | 'DELETED'
  | 'IMPORTED'
  | 'IMPORT_GONE'
  | 'IMPORT_UPDATED'
  | 'POWERED_OFF'
  | 'POWERED_ON'
  | 'PROVISIONED'
  | 'PROVISION_FAILED'
  | 'PROVISION_REQUESTED'
  | 'RESIZED'
  | 'RESTARTED'
  | 'SUSPENDED';

export type VirtualMachineFilter = {
  powerState?: Array<PowerState> | null | undefined;
  /** Matches the name, ignoring case. */
  search?: string | null | undefined;
  /** Any of these statuses; when absent, every status but DELETED. */
  status?: Array<VirtualMachineStatus> | null | undefined;
};

export type VirtualMachineStatus =
  | 'DELETED'
  | 'ERROR'
  | 'PROVISIONING'
  | 'RUNNING'
  | 'STOPPED'
  | 'SUSPENDED';

export type SessionFieldsFragment = { accessToken: string, expiresAt: string, refreshToken: string, refreshExpiresAt: string, role: Role | null, organization: { id: string } | null, user: { id: string, email: string, displayName: string } };

export type MeQueryVariables = Exact<{
  organizationId: string | number;
}>;


export type MeQuery = { me: { id: string, memberships: Array<{ role: Role, organization: { id: string, name: string, kind: OrganizationKind } }> } | null, organization: { id: string, name: string, kind: OrganizationKind } };

export type LogInMutationVariables = Exact<{
  email: string;
  password: string;
  organizationId?: string | number | null | undefined;
}>;


export type LogInMutation = { logIn: { accessToken: string, expiresAt: string, refreshToken: string, refreshExpiresAt: string, role: Role | null, organization: { id: string } | null, user: { id: string, email: string, displayName: string } } };

export type RefreshSessionMutationVariables = Exact<{
  refreshToken: string;
  organizationId?: string | number | null | undefined;
}>;


export type RefreshSessionMutation = { refreshSession: { accessToken: string, expiresAt: string, refreshToken: string, refreshExpiresAt: string, role: Role | null, organization: { id: string } | null, user: { id: string, email: string, displayName: string } } };

export type LogOutMutationVariables = Exact<{
  refreshToken: string;
}>;


export type LogOutMutation = { logOut: boolean };

export type AlertRowFragment = { id: string, title: string, summary: string, severity: AlertSeverity, status: AlertStatus, value: number | null, startedAt: string, firedAt: string | null, respondBy: string | null, acknowledgedAt: string | null, acknowledgedBy: string | null, resolvedAt: string | null, virtualMachine: { id: string, name: string } };

export type AlertsQueryVariables = Exact<{
  organizationId: string | number;
  status?: Array<AlertStatus> | AlertStatus | null | undefined;
}>;


export type AlertsQuery = { organization: { id: string, alerts: { edges: Array<{ node: { id: string, title: string, summary: string, severity: AlertSeverity, status: AlertStatus, value: number | null, startedAt: string, firedAt: string | null, respondBy: string | null, acknowledgedAt: string | null, acknowledgedBy: string | null, resolvedAt: string | null, virtualMachine: { id: string, name: string } } }>, pageInfo: { hasNextPage: boolean } } | null } };

export type AlertEventsSubscriptionVariables = Exact<{
  organizationId: string | number;
  after?: string | null | undefined;
}>;


export type AlertEventsSubscription = { alertEvents: { cursor: string, toStatus: AlertStatus, alert: { id: string, title: string, summary: string, severity: AlertSeverity, status: AlertStatus, value: number | null, startedAt: string, firedAt: string | null, respondBy: string | null, acknowledgedAt: string | null, acknowledgedBy: string | null, resolvedAt: string | null, virtualMachine: { id: string, name: string } } } };

export type AcknowledgeAlertMutationVariables = Exact<{
  id: string | number;
}>;


export type AcknowledgeAlertMutation = { acknowledgeAlert: { id: string, title: string, summary: string, severity: AlertSeverity, status: AlertStatus, value: number | null, startedAt: string, firedAt: string | null, respondBy: string | null, acknowledgedAt: string | null, acknowledgedBy: string | null, resolvedAt: string | null, virtualMachine: { id: string, name: string } } };

export type MoneyFieldsFragment = { amount: string, currency: string };

export type BillingQueryVariables = Exact<{
  organizationId: string | number;
}>;


export type BillingQuery = { organization: { id: string, wallet: { balance: { amount: string, currency: string }, available: { amount: string, currency: string } } | null, currentBill: { asOf: string, period: { label: string }, subtotal: { amount: string, currency: string }, vat: { amount: string, currency: string }, total: { amount: string, currency: string }, projectedTotal: { amount: string, currency: string }, lines: { edges: Array<{ node: { description: string, quantity: number, unit: string, hours: string, unitPrice: { amount: string, currency: string }, amount: { amount: string, currency: string }, virtualMachine: { id: string, name: string } | null } }>, pageInfo: { hasNextPage: boolean } } } | null, bills: { edges: Array<{ node: { id: string, invoiceNumber: string, status: BillStatus, issuedAt: string, paidAt: string | null, invoiceUrl: string, period: { label: string }, total: { amount: string, currency: string } } }> } | null } };

export type CreateTopUpMutationVariables = Exact<{
  input: CreateTopUpInput;
}>;


export type CreateTopUpMutation = { createTopUp: { id: string, status: TopUpStatus, checkoutUrl: string | null, amount: { amount: string, currency: string } } };

export type TopUpStatusQueryVariables = Exact<{
  id: string | number;
}>;


export type TopUpStatusQuery = { topUp: { id: string, status: TopUpStatus, credited: boolean, failureReason: string | null, checkoutUrl: string | null } };

export type CustomersQueryVariables = Exact<{
  organizationId: string | number;
  after?: string | null | undefined;
}>;


export type CustomersQuery = { organization: { id: string, kind: OrganizationKind, children: { totalCount: number, edges: Array<{ node: { id: string, name: string, kind: OrganizationKind, status: OrganizationStatus, resourceSummary: { vmCount: number, running: number, vcpuTotal: number, memoryGib: number } | null, wallet: { balance: { amount: string, currency: string } } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, commissionRate: { tier: CommissionTier | null, basisPoints: number } | null, commissionStatements: { edges: Array<{ node: { id: string, status: CommissionStatementStatus, computedAt: string, paidAt: string | null, period: { label: string }, base: { amount: string, currency: string }, amount: { amount: string, currency: string }, rate: { basisPoints: number } } }> } } };

export type FleetOverviewQueryVariables = Exact<{
  organizationId: string | number;
}>;


export type FleetOverviewQuery = { organization: { id: string, name: string, kind: OrganizationKind, resourceSummary: { vmCount: number, running: number, vcpuTotal: number, memoryGib: number, diskTib: number, specUnknown: number } | null, wallet: { available: { amount: string, currency: string } } | null, currentBill: { period: { label: string }, total: { amount: string, currency: string } } | null, openAlerts: { edges: Array<{ node: { id: string } }>, pageInfo: { hasNextPage: boolean } } | null } };

export type FleetVirtualMachinesQueryVariables = Exact<{
  organizationId: string | number;
  first: number;
  after?: string | null | undefined;
  filter?: VirtualMachineFilter | null | undefined;
}>;


export type FleetVirtualMachinesQuery = { organization: { id: string, virtualMachines: { edges: Array<{ node: { id: string, name: string, status: VirtualMachineStatus, guestOs: string, ipAddress: string | null, spec: { vcpu: number | null, memoryMib: number | null, diskGib: number }, organization: { id: string, name: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null } };

export type FleetStatusChangesSubscriptionVariables = Exact<{
  organizationId: string | number;
}>;


export type FleetStatusChangesSubscription = { virtualMachineStatusChanged: { toStatus: VirtualMachineStatus, at: string, vm: { id: string } } };

export type VirtualMachineDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type VirtualMachineDetailQuery = { virtualMachine: { id: string, name: string, status: VirtualMachineStatus, statusReason: string | null, powerState: PowerState, guestOs: string, ipAddress: string | null, instanceUuid: string | null, createdAt: string, spec: { vcpu: number | null, memoryMib: number | null, diskGib: number, storageTier: StorageTier, cpuSpeed: CpuSpeedClass }, organization: { id: string, name: string }, product: { name: string } | null, costToDate: { amount: string, currency: string } | null, health: { score: number | null, status: HealthStatus, reasons: Array<string>, lastSampleAt: string | null }, events: { edges: Array<{ node: { id: string, kind: VirtualMachineEventKind, fromStatus: VirtualMachineStatus | null, toStatus: VirtualMachineStatus, actor: string, detail: string | null, at: string } }> } } | null };

export type VirtualMachineMetricsQueryVariables = Exact<{
  id: string | number;
  from: string;
}>;


export type VirtualMachineMetricsQuery = { virtualMachine: { id: string, metrics: { resolution: MetricResolution, stepSeconds: number, timestamps: Array<string>, cpuPercent: { avg: Array<number | null>, max: Array<number | null> }, memoryPercent: { avg: Array<number | null>, max: Array<number | null> }, diskReadBytesPerSecond: { avg: Array<number | null> }, diskWriteBytesPerSecond: { avg: Array<number | null> }, networkReceiveBytesPerSecond: { avg: Array<number | null> }, networkTransmitBytesPerSecond: { avg: Array<number | null> } } } | null };

export type VirtualMachineLiveMetricsSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type VirtualMachineLiveMetricsSubscription = { virtualMachineMetrics: { at: string, cpuPercent: number | null, memoryPercent: number | null, diskReadBytesPerSecond: number | null, diskWriteBytesPerSecond: number | null, networkReceiveBytesPerSecond: number | null, networkTransmitBytesPerSecond: number | null } };

export type VirtualMachineStatusChangesSubscriptionVariables = Exact<{
  organizationId: string | number;
}>;


export type VirtualMachineStatusChangesSubscription = { virtualMachineStatusChanged: { toStatus: VirtualMachineStatus, at: string, vm: { id: string, status: VirtualMachineStatus, statusReason: string | null, powerState: PowerState } } };

export type PowerOffVirtualMachineMutationVariables = Exact<{
  id: string | number;
  idempotencyKey?: string | null | undefined;
}>;


export type PowerOffVirtualMachineMutation = { powerOffVirtualMachine: { id: string, status: VirtualMachineStatus, statusReason: string | null, powerState: PowerState } };

export type PowerOnVirtualMachineMutationVariables = Exact<{
  id: string | number;
  idempotencyKey?: string | null | undefined;
}>;


export type PowerOnVirtualMachineMutation = { powerOnVirtualMachine: { id: string, status: VirtualMachineStatus, statusReason: string | null, powerState: PowerState } };

export type RestartVirtualMachineMutationVariables = Exact<{
  id: string | number;
  idempotencyKey?: string | null | undefined;
}>;


export type RestartVirtualMachineMutation = { restartVirtualMachine: { id: string, status: VirtualMachineStatus, statusReason: string | null, powerState: PowerState } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const SessionFieldsFragmentDoc = new TypedDocumentString(`
    fragment SessionFields on Session {
  accessToken
  expiresAt
  refreshToken
  refreshExpiresAt
  role
  organization {
    id
  }
  user {
    id
    email
    displayName
  }
}
    `, {"fragmentName":"SessionFields"}) as unknown as TypedDocumentString<SessionFieldsFragment, unknown>;
export const AlertRowFragmentDoc = new TypedDocumentString(`
    fragment AlertRow on Alert {
  id
  title
  summary
  severity
  status
  value
  startedAt
  firedAt
  respondBy
  acknowledgedAt
  acknowledgedBy
  resolvedAt
  virtualMachine {
    id
    name
  }
}
    `, {"fragmentName":"AlertRow"}) as unknown as TypedDocumentString<AlertRowFragment, unknown>;
export const MoneyFieldsFragmentDoc = new TypedDocumentString(`
    fragment MoneyFields on Money {
  amount
  currency
}
    `, {"fragmentName":"MoneyFields"}) as unknown as TypedDocumentString<MoneyFieldsFragment, unknown>;
export const MeDocument = new TypedDocumentString(`
    query Me($organizationId: ID!) {
  me {
    id
    memberships {
      role
      organization {
        id
        name
        kind
      }
    }
  }
  organization(id: $organizationId) {
    id
    name
    kind
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const LogInDocument = new TypedDocumentString(`
    mutation LogIn($email: String!, $password: String!, $organizationId: ID) {
  logIn(email: $email, password: $password, organizationId: $organizationId) {
    ...SessionFields
  }
}
    fragment SessionFields on Session {
  accessToken
  expiresAt
  refreshToken
  refreshExpiresAt
  role
  organization {
    id
  }
  user {
    id
    email
    displayName
  }
}`) as unknown as TypedDocumentString<LogInMutation, LogInMutationVariables>;
export const RefreshSessionDocument = new TypedDocumentString(`
    mutation RefreshSession($refreshToken: String!, $organizationId: ID) {
  refreshSession(refreshToken: $refreshToken, organizationId: $organizationId) {
    ...SessionFields
  }
}
    fragment SessionFields on Session {
  accessToken
  expiresAt
  refreshToken
  refreshExpiresAt
  role
  organization {
    id
  }
  user {
    id
    email
    displayName
  }
}`) as unknown as TypedDocumentString<RefreshSessionMutation, RefreshSessionMutationVariables>;
export const LogOutDocument = new TypedDocumentString(`
    mutation LogOut($refreshToken: String!) {
  logOut(refreshToken: $refreshToken)
}
    `) as unknown as TypedDocumentString<LogOutMutation, LogOutMutationVariables>;
export const AlertsDocument = new TypedDocumentString(`
    query Alerts($organizationId: ID!, $status: [AlertStatus!]) {
  organization(id: $organizationId) {
    id
    alerts(scope: SUBTREE, filter: {status: $status}, first: 100) {
      edges {
        node {
          ...AlertRow
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
}
    fragment AlertRow on Alert {
  id
  title
  summary
  severity
  status
  value
  startedAt
  firedAt
  respondBy
  acknowledgedAt
  acknowledgedBy
  resolvedAt
  virtualMachine {
    id
    name
  }
}`) as unknown as TypedDocumentString<AlertsQuery, AlertsQueryVariables>;
export const AlertEventsDocument = new TypedDocumentString(`
    subscription AlertEvents($organizationId: ID!, $after: String) {
  alertEvents(organizationId: $organizationId, scope: SUBTREE, after: $after) {
    cursor
    toStatus
    alert {
      ...AlertRow
    }
  }
}
    fragment AlertRow on Alert {
  id
  title
  summary
  severity
  status
  value
  startedAt
  firedAt
  respondBy
  acknowledgedAt
  acknowledgedBy
  resolvedAt
  virtualMachine {
    id
    name
  }
}`) as unknown as TypedDocumentString<AlertEventsSubscription, AlertEventsSubscriptionVariables>;
export const AcknowledgeAlertDocument = new TypedDocumentString(`
    mutation AcknowledgeAlert($id: ID!) {
  acknowledgeAlert(id: $id) {
    ...AlertRow
  }
}
    fragment AlertRow on Alert {
  id
  title
  summary
  severity
  status
  value
  startedAt
  firedAt
  respondBy
  acknowledgedAt
  acknowledgedBy
  resolvedAt
  virtualMachine {
    id
    name
  }
}`) as unknown as TypedDocumentString<AcknowledgeAlertMutation, AcknowledgeAlertMutationVariables>;
export const BillingDocument = new TypedDocumentString(`
    query Billing($organizationId: ID!) {
  organization(id: $organizationId) {
    id
    wallet {
      balance {
        ...MoneyFields
      }
      available {
        ...MoneyFields
      }
    }
    currentBill {
      period {
        label
      }
      asOf
      subtotal {
        ...MoneyFields
      }
      vat {
        ...MoneyFields
      }
      total {
        ...MoneyFields
      }
      projectedTotal {
        ...MoneyFields
      }
      lines(first: 100) {
        edges {
          node {
            description
            quantity
            unit
            hours
            unitPrice {
              ...MoneyFields
            }
            amount {
              ...MoneyFields
            }
            virtualMachine {
              id
              name
            }
          }
        }
        pageInfo {
          hasNextPage
        }
      }
    }
    bills(first: 24) {
      edges {
        node {
          id
          invoiceNumber
          status
          period {
            label
          }
          total {
            ...MoneyFields
          }
          issuedAt
          paidAt
          invoiceUrl
        }
      }
    }
  }
}
    fragment MoneyFields on Money {
  amount
  currency
}`) as unknown as TypedDocumentString<BillingQuery, BillingQueryVariables>;
export const CreateTopUpDocument = new TypedDocumentString(`
    mutation CreateTopUp($input: CreateTopUpInput!) {
  createTopUp(input: $input) {
    id
    status
    amount {
      ...MoneyFields
    }
    checkoutUrl
  }
}
    fragment MoneyFields on Money {
  amount
  currency
}`) as unknown as TypedDocumentString<CreateTopUpMutation, CreateTopUpMutationVariables>;
export const TopUpStatusDocument = new TypedDocumentString(`
    query TopUpStatus($id: ID!) {
  topUp(id: $id) {
    id
    status
    credited
    failureReason
    checkoutUrl
  }
}
    `) as unknown as TypedDocumentString<TopUpStatusQuery, TopUpStatusQueryVariables>;
export const CustomersDocument = new TypedDocumentString(`
    query Customers($organizationId: ID!, $after: String) {
  organization(id: $organizationId) {
    id
    kind
    children(first: 50, after: $after) {
      totalCount
      edges {
        node {
          id
          name
          kind
          status
          resourceSummary {
            vmCount
            running
            vcpuTotal
            memoryGib
          }
          wallet {
            balance {
              amount
              currency
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    commissionRate {
      tier
      basisPoints
    }
    commissionStatements(first: 24) {
      edges {
        node {
          id
          period {
            label
          }
          status
          base {
            amount
            currency
          }
          amount {
            amount
            currency
          }
          rate {
            basisPoints
          }
          computedAt
          paidAt
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CustomersQuery, CustomersQueryVariables>;
export const FleetOverviewDocument = new TypedDocumentString(`
    query FleetOverview($organizationId: ID!) {
  organization(id: $organizationId) {
    id
    name
    kind
    resourceSummary(scope: SUBTREE) {
      vmCount
      running
      vcpuTotal
      memoryGib
      diskTib
      specUnknown
    }
    wallet {
      available {
        amount
        currency
      }
    }
    currentBill {
      period {
        label
      }
      total {
        amount
        currency
      }
    }
    openAlerts: alerts(
      scope: SUBTREE
      filter: {status: [PENDING, FIRING]}
      first: 100
    ) {
      edges {
        node {
          id
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FleetOverviewQuery, FleetOverviewQueryVariables>;
export const FleetVirtualMachinesDocument = new TypedDocumentString(`
    query FleetVirtualMachines($organizationId: ID!, $first: Int!, $after: String, $filter: VirtualMachineFilter) {
  organization(id: $organizationId) {
    id
    virtualMachines(
      scope: SUBTREE
      first: $first
      after: $after
      filter: $filter
      orderBy: NAME_ASC
    ) {
      edges {
        node {
          id
          name
          status
          guestOs
          ipAddress
          spec {
            vcpu
            memoryMib
            diskGib
          }
          organization {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FleetVirtualMachinesQuery, FleetVirtualMachinesQueryVariables>;
export const FleetStatusChangesDocument = new TypedDocumentString(`
    subscription FleetStatusChanges($organizationId: ID!) {
  virtualMachineStatusChanged(organizationId: $organizationId, scope: SUBTREE) {
    toStatus
    at
    vm {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<FleetStatusChangesSubscription, FleetStatusChangesSubscriptionVariables>;
export const VirtualMachineDetailDocument = new TypedDocumentString(`
    query VirtualMachineDetail($id: ID!) {
  virtualMachine(id: $id) {
    id
    name
    status
    statusReason
    powerState
    guestOs
    ipAddress
    instanceUuid
    createdAt
    spec {
      vcpu
      memoryMib
      diskGib
      storageTier
      cpuSpeed
    }
    organization {
      id
      name
    }
    product {
      name
    }
    costToDate {
      amount
      currency
    }
    health {
      score
      status
      reasons
      lastSampleAt
    }
    events(first: 20) {
      edges {
        node {
          id
          kind
          fromStatus
          toStatus
          actor
          detail
          at
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<VirtualMachineDetailQuery, VirtualMachineDetailQueryVariables>;
export const VirtualMachineMetricsDocument = new TypedDocumentString(`
    query VirtualMachineMetrics($id: ID!, $from: DateTime!) {
  virtualMachine(id: $id) {
    id
    metrics(from: $from) {
      resolution
      stepSeconds
      timestamps
      cpuPercent {
        avg
        max
      }
      memoryPercent {
        avg
        max
      }
      diskReadBytesPerSecond {
        avg
      }
      diskWriteBytesPerSecond {
        avg
      }
      networkReceiveBytesPerSecond {
        avg
      }
      networkTransmitBytesPerSecond {
        avg
      }
    }
  }
}
    `) as unknown as TypedDocumentString<VirtualMachineMetricsQuery, VirtualMachineMetricsQueryVariables>;
export const VirtualMachineLiveMetricsDocument = new TypedDocumentString(`
    subscription VirtualMachineLiveMetrics($id: ID!) {
  virtualMachineMetrics(id: $id) {
    at
    cpuPercent
    memoryPercent
    diskReadBytesPerSecond
    diskWriteBytesPerSecond
    networkReceiveBytesPerSecond
    networkTransmitBytesPerSecond
  }
}
    `) as unknown as TypedDocumentString<VirtualMachineLiveMetricsSubscription, VirtualMachineLiveMetricsSubscriptionVariables>;
export const VirtualMachineStatusChangesDocument = new TypedDocumentString(`
    subscription VirtualMachineStatusChanges($organizationId: ID!) {
  virtualMachineStatusChanged(organizationId: $organizationId) {
    toStatus
    at
    vm {
      id
      status
      statusReason
      powerState
    }
  }
}
    `) as unknown as TypedDocumentString<VirtualMachineStatusChangesSubscription, VirtualMachineStatusChangesSubscriptionVariables>;
export const PowerOffVirtualMachineDocument = new TypedDocumentString(`
    mutation PowerOffVirtualMachine($id: ID!, $idempotencyKey: String) {
  powerOffVirtualMachine(id: $id, idempotencyKey: $idempotencyKey) {
    id
    status
    statusReason
    powerState
  }
}
    `) as unknown as TypedDocumentString<PowerOffVirtualMachineMutation, PowerOffVirtualMachineMutationVariables>;
export const PowerOnVirtualMachineDocument = new TypedDocumentString(`
    mutation PowerOnVirtualMachine($id: ID!, $idempotencyKey: String) {
  powerOnVirtualMachine(id: $id, idempotencyKey: $idempotencyKey) {
    id
    status
    statusReason
    powerState
  }
}
    `) as unknown as TypedDocumentString<PowerOnVirtualMachineMutation, PowerOnVirtualMachineMutationVariables>;
export const RestartVirtualMachineDocument = new TypedDocumentString(`
    mutation RestartVirtualMachine($id: ID!, $idempotencyKey: String) {
  restartVirtualMachine(id: $id, idempotencyKey: $idempotencyKey) {
    id
    status
    statusReason
    powerState
  }
}
    `) as unknown as TypedDocumentString<RestartVirtualMachineMutation, RestartVirtualMachineMutationVariables>;