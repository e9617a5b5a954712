/** References to other subgraphs' entities: billing holds only their ids. */
export interface OrganizationRef {
  readonly id: string;
}
export interface VirtualMachineRef {
  readonly id: string;
}
export interface ProductRef {
  readonly id: string;
}
