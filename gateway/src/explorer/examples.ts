/**
 * Saved example operations: what the dashboard asks and what a partner starts from. The explorer
 * offers them as tabs, and tests hold them to the gateway's limits (they must pass) and run them.
 * Variables use placeholders a person replaces (`<organization id>`); tests fill in real ids.
 */
export interface ExampleOperation {
  readonly name: string;
  readonly audience: 'dashboard' | 'partner';
  readonly query: string;
  /** Variable names the example needs, with a placeholder. */
  readonly variables: Readonly<Record<string, unknown>>;
}

const ORG = '<organization id>';

export const EXAMPLE_OPERATIONS: readonly ExampleOperation[] = [
  {
    name: 'Me and my organisations',
    audience: 'dashboard',
    variables: {},
    query: `query Me {
  me {
    id
    email
    displayName
    memberships { role organization { id name kind status } }
  }
}`,
  },
  {
    name: 'Organisation overview',
    audience: 'dashboard',
    variables: { organizationId: ORG },
    query: `query OrganizationOverview($organizationId: ID!) {
  organization(id: $organizationId) {
    id
    name
    kind
    status
    parent { id name }
    resourceSummary(scope: SUBTREE) { vmCount running vcpuTotal memoryGib diskTib specUnknown }
    wallet { id currency balance { amount currency } available { amount currency } lowBalanceThreshold { amount currency } }
  }
}`,
  },
  {
    name: 'Virtual machine list',
    audience: 'dashboard',
    variables: { organizationId: ORG, first: 50 },
    query: `query VirtualMachines($organizationId: ID!, $first: Int = 50, $after: String) {
  organization(id: $organizationId) {
    id
    virtualMachines(first: $first, after: $after, scope: SUBTREE) {
      edges {
        cursor
        node {
          id
          name
          status
          powerState
          guestOs
          ipAddress
          spec { vcpu memoryMib diskGib storageTier cpuSpeed }
          product { id sku name }
          organization { id name }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
  },
  {
    name: 'Reseller: customers with their totals',
    audience: 'dashboard',
    variables: { organizationId: ORG },
    query: `query Customers($organizationId: ID!) {
  organization(id: $organizationId) {
    id
    children(first: 50) {
      totalCount
      edges {
        node {
          id
          name
          status
          resourceSummary { vmCount running vcpuTotal memoryGib diskTib }
          wallet { balance { amount currency } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
  },
  {
    name: 'Wallet transactions',
    audience: 'dashboard',
    variables: { organizationId: ORG },
    query: `query WalletTransactions($organizationId: ID!) {
  organization(id: $organizationId) {
    wallet {
      balance { amount currency }
      holds(first: 20) { edges { node { id amount { amount currency } status description expiresAt } } }
      transactions(first: 50) {
        edges { node { id kind amount { amount currency } balanceAfter { amount currency } description reference } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`,
  },
  {
    name: 'Virtual machine details and history',
    audience: 'dashboard',
    variables: { id: '<virtual machine id>' },
    query: `query VirtualMachine($id: ID!) {
  virtualMachine(id: $id) {
    id
    name
    status
    statusReason
    powerState
    instanceUuid
    resourcePool
    createdAt
    updatedAt
    spec { vcpu memoryMib diskGib storageTier cpuSpeed }
    product { id name price { monthly { amount currency } } }
    organization { id name }
    events(first: 20) { edges { node { id kind fromStatus toStatus actor } } }
  }
}`,
  },
  {
    name: 'Product catalogue',
    audience: 'partner',
    variables: {},
    query: `query Catalogue {
  categories {
    id
    name
    products(first: 50) { edges { node { id sku name kind active price { monthly { amount currency } hourly { amount currency } } } } }
  }
}`,
  },
  {
    name: 'Price a virtual machine',
    audience: 'partner',
    variables: { spec: { vcpu: 2, memoryGib: 4, diskGib: 100 } },
    query: `query PriceVm($spec: VmSpecInput!) {
  priceVirtualMachine(spec: $spec) {
    pricedAt
    lines { sku description quantity unitMonthly { amount currency } monthly { amount currency } }
    vatRate { percent }
    monthly { subtotal { amount currency } vat { amount currency } total { amount currency } }
    hourly { total { amount currency } }
  }
}`,
  },
  {
    name: 'Power off a virtual machine',
    audience: 'partner',
    variables: { id: '<virtual machine id>', idempotencyKey: '<a unique key per attempt>' },
    query: `mutation PowerOff($id: ID!, $idempotencyKey: String) {
  powerOffVirtualMachine(id: $id, idempotencyKey: $idempotencyKey) { id status powerState }
}`,
  },
];
