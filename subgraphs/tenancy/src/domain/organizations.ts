import { writeOutbox } from '@platform/events';
import { type Access, badInput, fail, isUniqueViolation, newId, type OrganizationKind, parseId } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { findOrganizations, insertOrganization, lockOrganization, updateOrganization as updateRow } from '../db/organization-repository.ts';
import type { TenancyDatabase } from '../db/types.ts';
import { ALLOWED_PARENT_KINDS, type Organization, type OrganizationStatus } from './organization.ts';
import { requireName } from './validate.ts';

export interface CreateOrganizationInput {
  readonly kind: OrganizationKind;
  readonly name: string;
  readonly parentId: string;
}

/** Creates a reseller or customer below an organisation the caller administers. */
export async function createOrganization(db: Kysely<TenancyDatabase>, access: Access, input: CreateOrganizationInput): Promise<Organization> {
  const name = requireName(input.name, 'input.name');
  const parentId = parseId(input.parentId, 'input.parentId');
  if (input.kind === 'PROVIDER') throw badInput('input.kind', 'there is exactly one provider; create a RESELLER or a CUSTOMER.');
  await access.assertRole(parentId, 'ADMIN', 'Parent organization');
  return db.transaction().execute(async (trx) => {
    const parent = await lockOrganization(trx, parentId);
    if (!parent) throw fail('NOT_FOUND', 'Parent organization not found.', { field: 'input.parentId' });
    if (!ALLOWED_PARENT_KINDS[input.kind].includes(parent.kind)) {
      throw badInput('input.parentId', `a ${input.kind} must sit under ${ALLOWED_PARENT_KINDS[input.kind].join(' or ')}, not under a ${parent.kind}.`);
    }
    if (parent.status !== 'ACTIVE') throw fail('INVALID_STATE', `The parent organization is ${parent.status}; nothing can be created under it.`);
    try {
      const org = await insertOrganization(trx, {
        id: newId(),
        kind: input.kind,
        name,
        parentId,
        ancestors: [...parent.ancestors, parent.id],
      });
      await writeOutbox(trx, 'tenancy.organization.created', { organizationId: org.id, kind: org.kind, parentId });
      return org;
    } catch (error) {
      if (isUniqueViolation(error, 'organizations_sibling_name')) {
        throw fail('CONFLICT', `input.name: "${name}" already exists under this parent.`, { field: 'input.name' });
      }
      throw error;
    }
  });
}

export interface UpdateOrganizationInput {
  readonly name?: string | null;
  readonly status?: OrganizationStatus | null;
}

/**
 * Renaming needs ADMIN on the organisation; changing its status needs ADMIN above it, so nobody
 * can suspend or reactivate their own organisation.
 */
export async function updateOrganization(
  db: Kysely<TenancyDatabase>,
  access: Access,
  rawId: string,
  input: UpdateOrganizationInput,
): Promise<Organization> {
  const id = parseId(rawId, 'id');
  const name = input.name == null ? undefined : requireName(input.name, 'input.name');
  const status = input.status ?? undefined;
  if (name === undefined && status === undefined) throw badInput('input', 'give a name or a status to change.');
  await access.assertRole(id, 'ADMIN');
  const [current] = await findOrganizations(db, [id]);
  if (!current) throw fail('NOT_FOUND', 'Organization not found.');
  if (status !== undefined && status !== current.status) {
    if (current.parentId === null) throw badInput('input.status', 'the provider cannot be suspended.');
    const caller = access.requireMember();
    if (caller.org === id) throw fail('FORBIDDEN', 'An organization above this one must change its status.');
  }
  return db.transaction().execute(async (trx) => {
    try {
      const org = await updateRow(trx, id, { ...(name !== undefined ? { name } : {}), ...(status !== undefined ? { status } : {}) });
      await writeOutbox(trx, 'tenancy.organization.updated', { organizationId: id, name: org.name, status: org.status });
      return org;
    } catch (error) {
      if (isUniqueViolation(error, 'organizations_sibling_name')) {
        throw fail('CONFLICT', `input.name: "${name}" already exists under this parent.`, { field: 'input.name' });
      }
      throw error;
    }
  });
}
