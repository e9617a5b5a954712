import { writeOutbox } from '@platform/events';
import { badInput, fail, inTransaction, isUniqueViolation, newId, type OrganizationKind, type Page } from '@platform/kernel';
import type { Kysely, Transaction } from 'kysely';
import {
  countSubtree,
  insertOrganization,
  listSubtree,
  lockOrganization,
  resumeServiceSuspension,
  updateOrganization,
  type OrgCursor,
} from '../db/organization-repository.ts';
import type { TenancyDatabase } from '../db/types.ts';
import { ALLOWED_PARENT_KINDS, type Organization, type OrganizationStatus, type SubtreeFilter } from './organization.ts';

export interface CreateOrganization {
  readonly kind: OrganizationKind;
  readonly name: string;
  readonly parentId: string;
}

export interface UpdateOrganization {
  readonly organizationId: string;
  readonly name: string | null;
  readonly status: OrganizationStatus | null;
  /** Where the caller acts: nobody changes the status of their own organisation. */
  readonly actorOrganizationId: string;
}

/** The organisation tree: creating, renaming and suspending; every change is announced through the outbox. */
export class OrganizationService {
  constructor(
    private readonly db: Kysely<TenancyDatabase>,
    /** Called after a status change commits (tenancy's org directory forgets its cached nodes). */
    private readonly onStatusChanged: () => void = () => {},
  ) {}

  /** A reseller or customer below an existing, active parent of a kind it may sit under. */
  create(command: CreateOrganization): Promise<Organization> {
    const { kind, name, parentId } = command;
    if (kind === 'PROVIDER') throw badInput('kind', 'there is exactly one provider; create a RESELLER or a CUSTOMER.');
    return inTransaction(this.db, async (trx) => {
      const parent = await lockOrThrow(trx, parentId, 'parentId');
      if (!ALLOWED_PARENT_KINDS[kind].includes(parent.kind)) {
        throw badInput('parentId', `a ${kind} must sit under ${ALLOWED_PARENT_KINDS[kind].join(' or ')}, not under a ${parent.kind}.`);
      }
      if (parent.status !== 'ACTIVE') throw fail('INVALID_STATE', `The parent organization is ${parent.status}; nothing can be created under it.`);
      const org = await uniqueName(name, () => insertOrganization(trx, { id: newId(), kind, name, parentId, ancestors: [...parent.ancestors, parent.id] }));
      await writeOutbox(trx, 'tenancy.organization.created', { organizationId: org.id, kind: org.kind, parentId });
      return org;
    });
  }

  /** Renames, or changes the status: only from above, and never the provider's. */
  async update(command: UpdateOrganization): Promise<Organization> {
    const { organizationId, name, status } = command;
    let statusChanged = false;
    const updated = await inTransaction(this.db, async (trx) => {
      const current = await lockOrThrow(trx, organizationId);
      if (status !== null && status !== current.status) {
        if (current.parentId === null) throw badInput('status', 'the provider cannot be suspended.');
        if (command.actorOrganizationId === organizationId) throw fail('FORBIDDEN', 'An organization above this one must change its status.');
      }
      statusChanged = status !== null && status !== current.status;
      // A person setting the status takes the decision over from any service that suspended it.
      const changes = { ...(name !== null ? { name } : {}), ...(status !== null ? { status, suspended_by_service: false } : {}) };
      const org = await uniqueName(name, () => updateOrganization(trx, organizationId, changes));
      await writeOutbox(trx, 'tenancy.organization.updated', { organizationId, name: org.name, status: org.status });
      return org;
    });
    if (statusChanged) this.onStatusChanged();
    return updated;
  }

  /**
   * A service's suspension (billing's overdue policy): no user actor, never the provider. Idempotent:
   * false when the organisation was already suspended (nothing written), true when this call suspended it.
   */
  async suspendByService(organizationId: string, reason: string): Promise<boolean> {
    const changed = await inTransaction(this.db, async (trx) => {
      const current = await lockOrThrow(trx, organizationId, 'organizationId');
      if (current.parentId === null) throw badInput('organizationId', 'the provider cannot be suspended.');
      if (current.status === 'SUSPENDED') return false;
      const org = await updateOrganization(trx, organizationId, { status: 'SUSPENDED', suspended_by_service: true });
      await writeOutbox(trx, 'tenancy.organization.updated', { organizationId, name: org.name, status: org.status, reason });
      return true;
    });
    if (changed) this.onStatusChanged();
    return changed;
  }

  /**
   * A service lifting its own suspension (billing: the overdue bills are paid). Idempotent: true when this
   * call resumed the organisation; false when it is active, or suspended by a person (that decision stands).
   */
  async resumeByService(organizationId: string, reason: string): Promise<boolean> {
    const changed = await inTransaction(this.db, async (trx) => {
      const current = await lockOrThrow(trx, organizationId, 'organizationId');
      if (current.parentId === null) throw badInput('organizationId', 'the provider is never suspended.');
      const org = await resumeServiceSuspension(trx, organizationId);
      if (!org) return false;
      await writeOutbox(trx, 'tenancy.organization.updated', { organizationId, name: org.name, status: org.status, reason });
      return true;
    });
    if (changed) this.onStatusChanged();
    return changed;
  }

  subtree(filter: SubtreeFilter, page: Page<OrgCursor>): Promise<Organization[]> {
    return listSubtree(this.db, filter, page);
  }

  countSubtree(filter: SubtreeFilter): Promise<number> {
    return countSubtree(this.db, filter);
  }
}

/** Locks the organisation until the transaction ends, or NOT_FOUND. */
export async function lockOrThrow(trx: Transaction<TenancyDatabase>, id: string, field?: string): Promise<Organization> {
  const org = await lockOrganization(trx, id);
  if (!org) throw fail('NOT_FOUND', 'Organization not found.', field ? { field } : {});
  return org;
}

/** Sibling names are unique (case and spacing aside): the index refusing one is a CONFLICT naming `name`. */
async function uniqueName<T>(name: string | null, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, 'organizations_sibling_name')) throw fail('CONFLICT', `name: "${name}" already exists under this parent.`, { field: 'name' });
    throw error;
  }
}
