import type { Transaction } from 'kysely';
import { expect, test } from 'vitest';
import type { PlatformEvent } from '@platform/kernel';
import { defineConsumer, eventMoney, writeOutbox, type EventContracts } from '../src/index.ts';

test('money in events is minor units as a decimal string, whatever its size', () => {
  expect(eventMoney(123_45n, 'ZAR')).toEqual({ amountMinor: '12345', currency: 'ZAR' });
  expect(JSON.parse(JSON.stringify(eventMoney(10n ** 15n, 'ZAR')))).toEqual({ amountMinor: '1000000000000000', currency: 'ZAR' });
});

test('a consumer keeps its name and topics', () => {
  const consumer = defineConsumer({ name: 'billing.usage', topics: ['vms.vm.provisioned', 'vms.vm.deleted'], handle: async () => {} });
  expect(consumer).toMatchObject({ name: 'billing.usage', topics: ['vms.vm.provisioned', 'vms.vm.deleted'] });
});

// Compile-time contract checks: `npm run typecheck` fails if any @ts-expect-error stops being an error.
export function typeChecks(trx: Transaction<unknown>): void {
  const money = eventMoney(1n, 'ZAR');
  void writeOutbox(trx, 'wallet.low_balance', { walletId: 'w', organizationId: 'o', available: money, threshold: money });
  // @ts-expect-error a float is not event money
  void writeOutbox(trx, 'wallet.low_balance', { walletId: 'w', organizationId: 'o', available: { amountMinor: 12.5, currency: 'ZAR' }, threshold: money });
  // @ts-expect-error the payload of another topic
  void writeOutbox(trx, 'wallet.hold_placed', { organizationId: 'o', kind: 'CUSTOMER', parentId: null });
  // @ts-expect-error an unknown topic
  void writeOutbox(trx, 'wallet.unknown', {});

  defineConsumer({
    name: 'typed',
    topics: ['tenancy.organization.created', 'catalog.quote.accepted'],
    handle: async (event) => {
      // Narrowing on the topic gives that topic's payload.
      if (event.topic === 'catalog.quote.accepted') void (event.payload.total.amountMinor satisfies string);
      else void (event.payload.kind satisfies EventContracts['tenancy.organization.created']['kind']);
    },
  });
  defineConsumer({
    name: 'wrong',
    topics: ['tenancy.organization.created'],
    // @ts-expect-error a handler for a payload the topic does not carry
    handle: async (event: PlatformEvent<{ amount: number }>) => void event,
  });
}
