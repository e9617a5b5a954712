import type { OrganizationKind } from '@platform/kernel';

export type OrganizationStatus = 'ACTIVE' | 'SUSPENDED';

export interface Organization {
  readonly id: string;
  readonly kind: OrganizationKind;
  readonly name: string;
  readonly parentId: string | null;
  /** Ancestor ids from the root down, without this organisation. */
  readonly ancestors: readonly string[];
  readonly status: OrganizationStatus;
  readonly createdAt: Date;
}

/** Which kinds may sit directly under which (DESIGN §6: provider → resellers → customers). */
export const ALLOWED_PARENT_KINDS: Record<OrganizationKind, readonly OrganizationKind[]> = {
  PROVIDER: [],
  RESELLER: ['PROVIDER'],
  CUSTOMER: ['PROVIDER', 'RESELLER'],
};
