import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codesOf } from '@platform/testkit';
import { DEMO_ORGS } from '../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../src/test-platform.ts';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p?.close());

const WALLET = `query($id: ID!) { organization(id: $id) { name wallet { id balance { amount currency } available { amount } } } }`;
const TOP_UP = `mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { kind amount { amount } balanceAfter { amount } reference } }`;
const topUp = (organizationId: string, amount: string, idempotencyKey: string) => ({
  organizationId,
  amount,
  paymentReference: 'EFT-2026-11-22',
  idempotencyKey,
});

describe('wallets through the gateway', () => {
  test('provider staff record a payment into a customer wallet; a retry with the same key posts nothing more', async () => {
    const admin = await p.login('admin@protea.example');
    const staff = await p.login('billing@highveld.example');
    const before = await p.gateway(WALLET, { id: DEMO_ORGS.protea }, admin);
    expect(before.errors).toBeUndefined();
    expect(before.data.organization.wallet).toMatchObject({ balance: { amount: '25000.00', currency: 'ZAR' }, available: { amount: '25000.00' } });
    for (let i = 0; i < 2; i++) {
      const r = await p.gateway(TOP_UP, { i: topUp(DEMO_ORGS.protea, '150.50', 'gw-topup-1') }, staff);
      expect(r.errors).toBeUndefined();
      expect(r.data.topUpWallet).toEqual({ kind: 'TOP_UP', amount: { amount: '150.50' }, balanceAfter: { amount: '25150.50' }, reference: 'EFT-2026-11-22' });
    }
    const after = await p.gateway(WALLET, { id: DEMO_ORGS.protea }, admin);
    expect(after.data.organization.wallet.balance.amount).toBe('25150.50');
  });

  test('a customer admin and its reseller owner cannot credit the wallet, even R 10 trillion: FORBIDDEN, money comes in through payments', async () => {
    const admin = await p.login('admin@protea.example');
    const balance = async () => (await p.gateway(WALLET, { id: DEMO_ORGS.protea }, admin)).data.organization.wallet.balance.amount;
    const before = await balance();
    for (const email of ['admin@protea.example', 'owner@karoo.example']) {
      const r = await p.gateway(TOP_UP, { i: topUp(DEMO_ORGS.protea, '10000000000000', `gw-self-${email}`) }, await p.login(email));
      expect(codesOf(r), email).toEqual(['FORBIDDEN']);
      expect(r.errors?.[0]?.message).toMatch(/^Money comes into a wallet through payments/);
    }
    expect(await balance()).toBe(before);
  });

  test("a reseller sees its customers' wallets; a customer cannot see or top up another customer's", async () => {
    const karoo = await p.login('admin@karoo.example');
    const tree = await p.gateway(
      `query($id: ID!) { organization(id: $id) { children { edges { node { name wallet { available { amount } } } } } } }`,
      { id: DEMO_ORGS.karoo },
      karoo,
    );
    expect(tree.errors).toBeUndefined();
    expect(tree.data.organization.children.edges.map((e: { node: { name: string; wallet: unknown } }) => e.node.name)).toEqual([
      'Baobab Health',
      'Protea Logistics',
    ]);
    expect(tree.data.organization.children.edges.every((e: { node: { wallet: unknown } }) => e.node.wallet !== null)).toBe(true);

    const protea = await p.login('admin@protea.example');
    expect(codesOf(await p.gateway(WALLET, { id: DEMO_ORGS.baobab }, protea))).toEqual(['NOT_FOUND']);
    const baobabWallet = (await p.gateway(WALLET, { id: DEMO_ORGS.baobab }, karoo)).data.organization.wallet.id;
    const direct = await p.gateway('query($id: ID!) { wallet(id: $id) { id } }', { id: baobabWallet }, protea);
    expect(direct.data.wallet).toBeNull();
    const steal = await p.gateway(TOP_UP, { i: topUp(DEMO_ORGS.baobab, '10.00', 'gw-cross') }, protea);
    expect(codesOf(steal)).toEqual(['FORBIDDEN']);
    expect((await p.gateway(WALLET, { id: DEMO_ORGS.baobab }, karoo)).data.organization.wallet.balance.amount).toBe('25000.00');
  });

  test('a viewer cannot top up; bad amounts, over WALLET_MAX_CREDIT (R 1,000,000) included, name the field and write nothing', async () => {
    const viewer = await p.login('viewer@protea.example');
    expect(codesOf(await p.gateway(TOP_UP, { i: topUp(DEMO_ORGS.protea, '10.00', 'gw-viewer') }, viewer))).toEqual(['FORBIDDEN']);
    const admin = await p.login('admin@protea.example');
    const staff = await p.login('billing@highveld.example');
    const balance = async () => (await p.gateway(WALLET, { id: DEMO_ORGS.protea }, admin)).data.organization.wallet.balance.amount;
    const before = await balance();
    for (const amount of ['10.001', '-5', '0', '1e3', '99999999999999999', '1000000.01', '10000000000000']) {
      const r = await p.gateway(TOP_UP, { i: topUp(DEMO_ORGS.protea, amount, `gw-bad-${amount}`) }, staff);
      expect(codesOf(r), amount).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0]?.extensions?.['field']).toBe('input.amount');
    }
    expect(await balance()).toBe(before);
  });
});

describe('the catalog through the gateway', () => {
  test('a product list with categories and prices', async () => {
    const token = await p.login('dev@protea.example');
    const r = await p.gateway(
      `{ categories { name } products(first: 100) { edges { node { sku name category { name } price { monthly { amount currency } hourly { amount } } } } } }`,
      {},
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.categories).toHaveLength(10);
    expect(r.data.products.edges).toHaveLength(39);
    for (const { node } of r.data.products.edges) {
      expect(node.category.name).toEqual(expect.any(String));
      expect(node.price.monthly.amount).toMatch(/^\d+\.\d{2}$/);
      expect(node.price.monthly.currency).toBe('ZAR');
    }
  });

  test('a custom-spec price: 4 vCPU (2 GHz), 16 GB, 200 GB standard = R 1,588.00 a month before VAT', async () => {
    const token = await p.login('dev@protea.example');
    const r = await p.gateway(
      `{ priceVirtualMachine(spec: { vcpu: 4, memoryGib: 16, diskGib: 200, cpuSpeed: STANDARD, storageTier: STANDARD }) {
          lines { sku quantity monthly { amount } } monthly { subtotal { amount } vat { amount } total { amount } } hourly { total { amount } } } }`,
      {},
      token,
    );
    expect(r.errors).toBeUndefined();
    // 4 × R155 + 16 × R38 + 2 blocks × R180 = 620 + 608 + 360 = 1588; VAT 15 % = 238.20
    expect(r.data.priceVirtualMachine.monthly).toEqual({ subtotal: { amount: '1588.00' }, vat: { amount: '238.20' }, total: { amount: '1826.20' } });
  });

  test('a quote for a demo organisation, and another tenant cannot see it', async () => {
    const dev = await p.login('dev@protea.example');
    const created = await p.gateway(
      `mutation($o: ID!) { createQuote(organizationId: $o, lines: [{ spec: { vcpu: 2, memoryGib: 4, diskGib: 100 }, quantity: 3, months: 12 }]) {
          id status organization { id name } subtotal { amount } vat { amount } total { amount } } }`,
      { o: DEMO_ORGS.protea },
      dev,
    );
    expect(created.errors).toBeUndefined();
    const quote = created.data.createQuote;
    // (2 × 155 + 4 × 38 + 180) = 642 a month; × 3 × 12 = 23,112.00; VAT 3,466.80
    expect(quote).toMatchObject({
      status: 'DRAFT',
      organization: { id: DEMO_ORGS.protea, name: 'Protea Logistics' },
      subtotal: { amount: '23112.00' },
      vat: { amount: '3466.80' },
      total: { amount: '26578.80' },
    });
    const other = await p.login('admin@baobab.example');
    expect((await p.gateway('query($id: ID!) { quote(id: $id) { id } }', { id: quote.id }, other)).data.quote).toBeNull();
  });
});
