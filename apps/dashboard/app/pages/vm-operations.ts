import { graphql } from '../__generated__';

export const VM_DETAIL = graphql(`
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
`);

export const VM_METRICS = graphql(`
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
`);

export const VM_LIVE_METRICS = graphql(`
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
`);

export const VM_STATUS_CHANGES = graphql(`
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
`);

export const POWER_OFF = graphql(`
  mutation PowerOffVirtualMachine($id: ID!, $idempotencyKey: String) {
    powerOffVirtualMachine(id: $id, idempotencyKey: $idempotencyKey) {
      id
      status
      statusReason
      powerState
    }
  }
`);

export const POWER_ON = graphql(`
  mutation PowerOnVirtualMachine($id: ID!, $idempotencyKey: String) {
    powerOnVirtualMachine(id: $id, idempotencyKey: $idempotencyKey) {
      id
      status
      statusReason
      powerState
    }
  }
`);

export const RESTART = graphql(`
  mutation RestartVirtualMachine($id: ID!, $idempotencyKey: String) {
    restartVirtualMachine(id: $id, idempotencyKey: $idempotencyKey) {
      id
      status
      statusReason
      powerState
    }
  }
`);
