import { seedIdentity } from '@platform/identity';
import { seedTenancy } from '@platform/tenancy';
import { DEMO_ORGANIZATIONS, DEMO_PASSWORD, DEMO_USERS } from './demo-data.ts';
import type { Platform } from './start-platform.ts';

/** Loads the demo dataset into a running platform; a second run adds nothing. */
export async function seedDemo(platform: Platform, scryptLog2N = 17): Promise<{ organizations: number; users: number }> {
  const tenancy = await seedTenancy(platform.tenancy.db, {
    organizations: DEMO_ORGANIZATIONS,
    memberships: DEMO_USERS.map((u) => ({ userId: u.id, organizationId: u.organizationId, role: u.role })),
  });
  const users = await seedIdentity(
    platform.identity.db,
    DEMO_USERS.map((u) => ({ id: u.id, email: u.email, displayName: u.displayName, password: DEMO_PASSWORD })),
    scryptLog2N,
  );
  await platform.catalog.seed();
  // Opening balances: every customer starts with R 25,000 (idempotent: one key per wallet).
  for (const org of DEMO_ORGANIZATIONS.filter((o) => o.kind === 'CUSTOMER')) {
    await platform.wallet.wallets.topUp({
      organizationId: org.id,
      amount: 2_500_000n,
      currency: 'ZAR',
      paymentReference: 'DEMO-OPENING-BALANCE',
      idempotencyKey: `demo-opening-balance-${org.id}`,
    });
  }
  return { organizations: tenancy.organizations, users };
}
