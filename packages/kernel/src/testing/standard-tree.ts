import { newId } from '../ids.ts';
import type { Role } from '../auth/roles.ts';
import { TestOrgTree, type TestAuth } from './test-auth.ts';

/**
 * The one organisation tree every subgraph's tests use (DESIGN §6 tiers):
 *
 *   provider ─┬─ resellerA ── customerA
 *             ├─ resellerB ── customerB
 *             └─ directCustomer
 *
 * Fresh ids each time, so test files never share rows by accident.
 */
export interface StandardTree {
  readonly directory: TestOrgTree;
  readonly provider: string;
  readonly resellerA: string;
  readonly resellerB: string;
  readonly customerA: string;
  readonly customerB: string;
  readonly directCustomer: string;
  /** Every organisation above, provider first. */
  readonly all: readonly string[];
}

export function standardTree(): StandardTree {
  const directory = new TestOrgTree();
  const provider = directory.add(newId(), 'PROVIDER');
  const resellerA = directory.add(newId(), 'RESELLER', provider);
  const resellerB = directory.add(newId(), 'RESELLER', provider);
  const customerA = directory.add(newId(), 'CUSTOMER', resellerA);
  const customerB = directory.add(newId(), 'CUSTOMER', resellerB);
  const directCustomer = directory.add(newId(), 'CUSTOMER', provider);
  return {
    directory,
    provider,
    resellerA,
    resellerB,
    customerA,
    customerB,
    directCustomer,
    all: [provider, resellerA, resellerB, customerA, customerB, directCustomer],
  };
}

/** A signed user token acting in `org` with `role`; a new user id unless `sub` is given. */
export function tokenAs(auth: TestAuth, org: string, role: Role, options: { sub?: string; scopes?: string[] } = {}): Promise<string> {
  return auth.userToken({ sub: options.sub ?? newId(), org, role, scopes: options.scopes });
}
