import type { OrganizationKind, Role } from '@platform/kernel';

/**
 * The demo dataset at the old system's scale (DESIGN §6): 11 organisations (one provider, three
 * resellers, seven customers) and 18 users across roles. Fixed ids, so seeding is idempotent and
 * other subgraphs' seeds can refer to these organisations. Fictional names.
 */
export const DEMO_PASSWORD = 'demo-password-2026';

const id = (n: number) => `01935c00-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

export const DEMO_ORGS = {
  provider: id(1),
  karoo: id(0x11),
  atlantic: id(0x12),
  lowveld: id(0x13),
  protea: id(0x101),
  baobab: id(0x102),
  fynbos: id(0x103),
  kalahari: id(0x104),
  springbok: id(0x105),
  umhlanga: id(0x106),
  tableBay: id(0x107),
} as const;

export const DEMO_ORGANIZATIONS: readonly { id: string; kind: OrganizationKind; name: string; parentId: string | null }[] = [
  { id: DEMO_ORGS.provider, kind: 'PROVIDER', name: 'Highveld Cloud', parentId: null },
  { id: DEMO_ORGS.karoo, kind: 'RESELLER', name: 'Karoo Resellers', parentId: DEMO_ORGS.provider },
  { id: DEMO_ORGS.atlantic, kind: 'RESELLER', name: 'Atlantic IT Partners', parentId: DEMO_ORGS.provider },
  { id: DEMO_ORGS.lowveld, kind: 'RESELLER', name: 'Lowveld Digital', parentId: DEMO_ORGS.provider },
  { id: DEMO_ORGS.protea, kind: 'CUSTOMER', name: 'Protea Logistics', parentId: DEMO_ORGS.karoo },
  { id: DEMO_ORGS.baobab, kind: 'CUSTOMER', name: 'Baobab Health', parentId: DEMO_ORGS.karoo },
  { id: DEMO_ORGS.fynbos, kind: 'CUSTOMER', name: 'Fynbos Media', parentId: DEMO_ORGS.atlantic },
  { id: DEMO_ORGS.kalahari, kind: 'CUSTOMER', name: 'Kalahari Mining', parentId: DEMO_ORGS.atlantic },
  { id: DEMO_ORGS.springbok, kind: 'CUSTOMER', name: 'Springbok Retail', parentId: DEMO_ORGS.atlantic },
  { id: DEMO_ORGS.umhlanga, kind: 'CUSTOMER', name: 'Umhlanga Legal', parentId: DEMO_ORGS.lowveld },
  { id: DEMO_ORGS.tableBay, kind: 'CUSTOMER', name: 'Table Bay Analytics', parentId: DEMO_ORGS.provider },
];

export interface DemoUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly organizationId: string;
  readonly role: Role;
}

const user = (n: number, email: string, displayName: string, organizationId: string, role: Role): DemoUser => ({
  id: id(0x1000 + n),
  email,
  displayName,
  organizationId,
  role,
});

export const DEMO_USERS: readonly DemoUser[] = [
  user(1, 'ops@highveld.example', 'Thandi Nkosi', DEMO_ORGS.provider, 'OWNER'),
  user(2, 'admin@highveld.example', 'Pieter van Wyk', DEMO_ORGS.provider, 'ADMIN'),
  user(3, 'billing@highveld.example', 'Aisha Patel', DEMO_ORGS.provider, 'BILLING'),
  user(4, 'owner@karoo.example', 'Johan Botha', DEMO_ORGS.karoo, 'OWNER'),
  user(5, 'admin@karoo.example', 'Lerato Mokoena', DEMO_ORGS.karoo, 'ADMIN'),
  user(6, 'owner@atlantic.example', 'Sipho Dlamini', DEMO_ORGS.atlantic, 'OWNER'),
  user(7, 'admin@atlantic.example', 'Megan Jacobs', DEMO_ORGS.atlantic, 'ADMIN'),
  user(8, 'owner@lowveld.example', 'Kagiso Molefe', DEMO_ORGS.lowveld, 'OWNER'),
  user(9, 'admin@lowveld.example', 'Annelie Steyn', DEMO_ORGS.lowveld, 'ADMIN'),
  user(10, 'admin@protea.example', 'Nomvula Zulu', DEMO_ORGS.protea, 'ADMIN'),
  user(11, 'dev@protea.example', 'Ruan Pretorius', DEMO_ORGS.protea, 'MEMBER'),
  user(12, 'viewer@protea.example', 'Zanele Khumalo', DEMO_ORGS.protea, 'VIEWER'),
  user(13, 'admin@baobab.example', 'Farah Essop', DEMO_ORGS.baobab, 'ADMIN'),
  user(14, 'admin@fynbos.example', 'Liam October', DEMO_ORGS.fynbos, 'OWNER'),
  user(15, 'admin@kalahari.example', 'Busisiwe Ngcobo', DEMO_ORGS.kalahari, 'ADMIN'),
  user(16, 'admin@springbok.example', 'Chris Naidoo', DEMO_ORGS.springbok, 'ADMIN'),
  user(17, 'admin@umhlanga.example', 'Precious Mahlangu', DEMO_ORGS.umhlanga, 'ADMIN'),
  user(18, 'admin@tablebay.example', 'Daniel Fourie', DEMO_ORGS.tableBay, 'OWNER'),
];
