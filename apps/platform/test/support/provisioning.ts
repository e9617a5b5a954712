import { auditLedger } from '@platform/wallet';
import type { TestPlatform } from '../../src/test-platform.ts';
import { expect } from 'vitest';

export interface HoldRow {
  readonly status: string;
  readonly reference: string | null;
  readonly description: string | null;
  readonly amount: { readonly amount: string };
}

/** Decimal strings to cents, for exact comparisons. */
export const cents = (amount: string): bigint => BigInt(amount.replace('.', ''));

/** An organisation's wallet as provider staff see it through the gateway: available funds and every hold. */
export async function walletOf(p: TestPlatform, providerToken: string, organizationId: string): Promise<{ available: bigint; holds: HoldRow[] }> {
  const r = await p.gateway(
    `query($id: ID!) { organization(id: $id) { wallet { available { amount } holds(status: null, first: 100) { edges { node { status reference description amount { amount } } } } } } }`,
    { id: organizationId },
    providerToken,
  );
  expect(r.errors).toBeUndefined();
  const wallet = r.data.organization.wallet;
  return { available: cents(wallet.available.amount), holds: wallet.holds.edges.map((e: { node: HoldRow }) => e.node) };
}

/** The wallet's own audit: every balance equals its journal, every held amount its open holds. */
export async function expectLedgerConsistent(p: TestPlatform): Promise<void> {
  const audit = await auditLedger(p.wallet.db);
  expect(audit.mismatched).toEqual([]);
  expect(audit.journalTotal).toBe(0n);
  expect(audit.ok).toBe(true);
}

export const PROVISION = `mutation($input: ProvisionVirtualMachineInput!) {
  provisionVirtualMachine(input: $input) { id name status powerState organization { id } product { id } spec { vcpu memoryMib diskGib storageTier } }
}`;

export const VM_STATUS =
  'query($id: ID!) { virtualMachine(id: $id) { id status powerState ipAddress statusReason events(first: 10) { edges { node { kind fromStatus toStatus actor } } } } }';
