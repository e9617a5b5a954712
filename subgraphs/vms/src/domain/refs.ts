/** An organisation as vms knows it: an id owned by tenancy. */
export interface OrganizationRef {
  readonly id: string;
}

/** A catalogue product as vms knows it: an id owned by catalog. */
export interface ProductRef {
  readonly id: string;
}
