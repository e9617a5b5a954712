import { graphql } from '../__generated__';

export const FLEET_OVERVIEW = graphql(`
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
      openAlerts: alerts(scope: SUBTREE, filter: { status: [PENDING, FIRING] }, first: 100) {
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
`);

export const FLEET_VIRTUAL_MACHINES = graphql(`
  query FleetVirtualMachines($organizationId: ID!, $first: Int!, $after: String, $filter: VirtualMachineFilter) {
    organization(id: $organizationId) {
      id
      virtualMachines(scope: SUBTREE, first: $first, after: $after, filter: $filter, orderBy: NAME_ASC) {
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
`);

export const FLEET_STATUS_CHANGES = graphql(`
  subscription FleetStatusChanges($organizationId: ID!) {
    virtualMachineStatusChanged(organizationId: $organizationId, scope: SUBTREE) {
      toStatus
      at
      vm {
        id
      }
    }
  }
`);
