import DataLoader from 'dataloader';
import { fail } from '../errors.ts';
import type { AuthenticatedCaller, Caller } from './caller.ts';
import type { OrgDirectory, OrgNode } from './org-directory.ts';
import { roleSatisfies, type Role } from './roles.ts';

/** A user or API key acting in an organisation. */
export type MemberCaller = AuthenticatedCaller & { readonly org: string; readonly role: Role };

/** How a refusal names the organisation argument: `organizationId: no organisation you can see has this id.` */
export interface MemberTarget {
  readonly field?: string;
  readonly what?: string;
  /** A write or a spend: refused (INVALID_STATE) while the organisation or one above it is suspended. */
  readonly write?: boolean;
}

/**
 * The visibility rule of DESIGN §4, per request: a caller sees the organisation it acts in and
 * everything below it (the provider therefore sees all). Lookups are batched into one directory
 * call per tick. A service token sees no organisation and holds no role: it passes only the
 * service-only operations whose scope it carries (`requireServiceScope`).
 * A suspended organisation (or one below a suspended one) still reads; `assertMember(…, { write: true })`
 * and `assertActive` refuse its writes and spending with INVALID_STATE naming the suspension.
 */
export class Access {
  private readonly nodes: DataLoader<string, OrgNode | null>;

  constructor(
    readonly caller: Caller,
    private readonly directory: OrgDirectory,
  ) {
    this.nodes = new DataLoader(async (ids) => {
      const found = await directory.lookup(ids);
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  /** The same caller with nothing cached: a long-lived subscription re-checks visibility per event with it. */
  fresh(): Access {
    return new Access(this.caller, this.directory);
  }

  /** The caller, or UNAUTHENTICATED. */
  requireCaller(): AuthenticatedCaller {
    if (this.caller.kind !== 'authenticated') throw fail('UNAUTHENTICATED', 'Sign in to do this.');
    return this.caller;
  }

  /** A user or API key acting in an organisation: UNAUTHENTICATED without a token, FORBIDDEN for a caller acting in none (a service). */
  requireMember(): MemberCaller {
    const caller = this.requireCaller();
    if (caller.org === null || caller.role === null) throw fail('FORBIDDEN', 'This needs a caller acting in an organisation.');
    return caller as MemberCaller;
  }

  /**
   * A user or API key acting on `orgId` (in its subtree) with at least `role`. An organisation outside
   * the subtree is NOT_FOUND naming the argument, so a caller cannot tell a foreign one from a missing one.
   */
  async assertMember(orgId: string, role: Role = 'MEMBER', target: MemberTarget = {}): Promise<MemberCaller> {
    const { field = 'organizationId', what = 'organisation', write = false } = target;
    const caller = this.requireMember();
    if (!(await this.canSee(orgId))) throw fail('NOT_FOUND', `${field}: no ${what} you can see has this id.`, { field });
    if (!roleSatisfies(caller.role, role)) throw fail('FORBIDDEN', `This needs the ${role} role; you have ${caller.role}.`);
    if (write) await this.assertActive(orgId);
    return caller;
  }

  /**
   * INVALID_STATE when the organisation or one above it is suspended (it may read, not write or spend).
   * Checks no visibility: callers check that first; services use it on the organisation they act for.
   */
  async assertActive(orgId: string): Promise<void> {
    const node = await this.nodes.load(orgId);
    if (node?.status !== 'SUSPENDED') return;
    const by = node.suspendedBy ?? orgId;
    const why = by === orgId ? `Organisation ${orgId} is suspended` : `Organisation ${orgId} is suspended because organisation ${by} above it is suspended`;
    throw fail('INVALID_STATE', `${why}: it can still read, but cannot write or spend until it is resumed.`, { suspendedOrganizationId: by });
  }

  /** Does the caller act in the root PROVIDER organisation with at least `role`? */
  async isProviderStaff(role: Role = 'ADMIN'): Promise<boolean> {
    const caller = this.caller;
    if (caller.kind !== 'authenticated' || caller.org === null || caller.role === null) return false;
    return roleSatisfies(caller.role, role) && (await this.nodes.load(caller.org))?.kind === 'PROVIDER';
  }

  /** Provider staff (`role` or above, acting in the provider itself), or FORBIDDEN naming what was refused. */
  async assertProviderStaff(role: Role = 'ADMIN', action = 'do this'): Promise<MemberCaller> {
    const caller = this.requireMember();
    if (!(await this.isProviderStaff(role))) throw fail('FORBIDDEN', `Only provider staff (${role} on the provider) may ${action}.`);
    return caller;
  }

  /** A service token carrying `scope`, or FORBIDDEN. */
  requireServiceScope(scope: string): AuthenticatedCaller {
    const caller = this.requireCaller();
    if (caller.typ !== 'service' || !caller.scopes.includes(scope)) {
      throw fail('FORBIDDEN', `This operation is for internal services with scope ${scope}.`);
    }
    return caller;
  }

  node(orgId: string): Promise<OrgNode | null> {
    return this.nodes.load(orgId);
  }

  async canSee(orgId: string): Promise<boolean> {
    if (this.caller.kind !== 'authenticated') return false;
    const org = this.caller.org;
    if (org === null) return false;
    if (org === orgId) return true;
    const node = await this.nodes.load(orgId);
    return node !== null && node.ancestors.includes(org);
  }

  /** Visible ids, in input order. One directory batch however many ids. */
  async filterVisible(orgIds: readonly string[]): Promise<string[]> {
    const flags = await Promise.all(orgIds.map((id) => this.canSee(id)));
    return orgIds.filter((_, i) => flags[i]);
  }

  /** NOT_FOUND when invisible: a caller cannot tell a foreign organisation from a missing one. */
  async assertCanSee(orgId: string, what = 'Organization'): Promise<void> {
    this.requireCaller();
    if (!(await this.canSee(orgId))) throw fail('NOT_FOUND', `${what} not found.`);
  }

  /** A user or API key: the org must be visible and the caller's role must include `role`; a service is FORBIDDEN. */
  async assertRole(orgId: string, role: Role, what = 'Organization', target: Pick<MemberTarget, 'write'> = {}): Promise<void> {
    const caller = this.requireMember();
    await this.assertCanSee(orgId, what);
    if (!roleSatisfies(caller.role, role)) throw fail('FORBIDDEN', `This needs the ${role} role; you have ${caller.role}.`);
    if (target.write) await this.assertActive(orgId);
  }
}
