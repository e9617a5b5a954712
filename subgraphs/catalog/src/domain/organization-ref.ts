/** An Organization is owned by tenancy; catalog only knows its id. */
export interface OrganizationRef {
  readonly id: string;
}
