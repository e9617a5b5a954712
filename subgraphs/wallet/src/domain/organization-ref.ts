/** An organisation as wallet knows it: an id owned by tenancy. */
export interface OrganizationRef {
  readonly id: string;
}
