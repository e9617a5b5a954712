import type { FleetCustomer } from '@platform/vms';
import { DEMO_ORGANIZATIONS, DEMO_ORGS, DEMO_PASSWORD, DEMO_USERS } from './demo-data.ts';
import { seedDemoBills } from './seed-demo-bills.ts';
import type { Platform } from './start-platform.ts';

/** What one run added (all zero when the data was already there). */
export interface DemoSeedResult {
  readonly organizations: number;
  readonly users: number;
  readonly products: number;
  readonly virtualMachines: number;
  /** Last month's bills issued (with `closedMonth`). */
  readonly closedBills: number;
}

const SEED_HASHES_AT_ONCE = 2;

/**
 * Loads the demo dataset into a running platform, each part through its own subgraph's API; a
 * second run adds nothing. Passwords are hashed at identity's configured cost (PlatformOptions.scryptLog2N).
 */
export async function seedDemo(
  platform: Platform,
  /** `closedMonth`: also close last month for the fleet (`npm start`'s bill history; tests close their own periods). */
  options: { readonly signal?: AbortSignal; readonly closedMonth?: boolean } = {},
): Promise<DemoSeedResult> {
  // Between steps, a stop request (Ctrl-C during the first start) ends the seed; a rerun finishes it.
  const go = () => options.signal?.throwIfAborted();
  const tenancy = await platform.tenancy.seed({
    organizations: DEMO_ORGANIZATIONS,
    memberships: DEMO_USERS.map((u) => ({ userId: u.id, organizationId: u.organizationId, role: u.role })),
  });
  // Two passwords at a time: scrypt runs on libuv's pool (4 threads), and a full pool stalls the file and
  // DNS work a stop needs; a stop asked for mid-way waits for one pair, not for all 18 hashes.
  let users = 0;
  for (let i = 0; i < DEMO_USERS.length; i += SEED_HASHES_AT_ONCE) {
    go();
    const batch = DEMO_USERS.slice(i, i + SEED_HASHES_AT_ONCE);
    users += await platform.identity.seed(batch.map((u) => ({ id: u.id, email: u.email, displayName: u.displayName, password: DEMO_PASSWORD })));
  }
  go();
  const catalog = await platform.catalog.seed();
  // Opening balances: every customer starts with R 25,000 (idempotent: one key per wallet).
  for (const org of DEMO_ORGANIZATIONS.filter((o) => o.kind === 'CUSTOMER')) {
    go();
    await platform.wallet.wallets.topUp({
      organizationId: org.id,
      amount: 2_500_000n,
      currency: 'ZAR',
      paymentReference: 'DEMO-OPENING-BALANCE',
      idempotencyKey: `demo-opening-balance-${org.id}`,
    });
  }
  go();
  const virtualMachines = await seedFleet(platform);
  go();
  const closedBills = options.closedMonth ? await seedDemoBills(platform) : 0;
  return { organizations: tenancy.organizations, users, products: catalog.productsAdded, virtualMachines, closedBills };
}

/** The old system's fleet size (DESIGN §6), spread unevenly: a few large customers, a long tail. */
export const DEMO_FLEET_SIZE = 3260;
const FLEET_SHARES: readonly { id: string; slug: string; weight: number }[] = [
  { id: DEMO_ORGS.protea, slug: 'protea', weight: 900 },
  { id: DEMO_ORGS.baobab, slug: 'baobab', weight: 620 },
  { id: DEMO_ORGS.fynbos, slug: 'fynbos', weight: 480 },
  { id: DEMO_ORGS.kalahari, slug: 'kalahari', weight: 410 },
  { id: DEMO_ORGS.springbok, slug: 'springbok', weight: 350 },
  { id: DEMO_ORGS.umhlanga, slug: 'umhlanga', weight: 300 },
  { id: DEMO_ORGS.tableBay, slug: 'tablebay', weight: 200 },
];

/** Seeds the demo fleet from the catalogue's active VM sizes (asked of catalog, in SKU order); fixed ids, so idempotent. */
async function seedFleet(platform: Platform): Promise<number> {
  const products = await platform.catalog.activeVmSizes();
  const pathOf = (id: string): string[] => {
    const org = DEMO_ORGANIZATIONS.find((o) => o.id === id);
    return org?.parentId ? [...pathOf(org.parentId), id] : [id];
  };
  const customers: FleetCustomer[] = FLEET_SHARES.map((c) => ({ ...c, orgPath: pathOf(c.id) }));
  return platform.vms.seedFleet(customers, products, DEMO_FLEET_SIZE);
}
