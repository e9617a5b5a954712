/** Tenancy's Organization as billing sees it: only its id. */
export interface OrganizationRef {
  readonly id: string;
}
