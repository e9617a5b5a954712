export { collect, wsClient, wsUrlOf } from '@platform/kernel/testing';

export const STATUS_CHANGED = `subscription($org: ID!, $scope: OrganizationScope) {
  virtualMachineStatusChanged(organizationId: $org, scope: $scope) {
    fromStatus toStatus at
    vm { id name status product { name } organization { name } }
  }
}`;
