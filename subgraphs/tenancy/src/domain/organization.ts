import type { OrganizationKind, TextRule } from '@platform/kernel';

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

/** One line, whitespace runs collapsed: "A  B" and "A B" are the same sibling name. */
export const ORGANIZATION_NAME: TextRule = { max: 120, singleLine: true };

/** Which kinds may sit directly under which (DESIGN §6: provider → resellers → customers). */
export const ALLOWED_PARENT_KINDS: Record<OrganizationKind, readonly OrganizationKind[]> = {
  PROVIDER: [],
  RESELLER: ['PROVIDER'],
  CUSTOMER: ['PROVIDER', 'RESELLER'],
};

/** An organisation and everything below it, optionally narrowed. */
export interface SubtreeFilter {
  readonly rootId: string;
  readonly kind: OrganizationKind | null;
  /** A literal, case-insensitive piece of the name. */
  readonly search: string | null;
}
