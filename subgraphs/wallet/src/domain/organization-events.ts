import { defineConsumer } from '@platform/events';
import { consumeOnce, DEFAULT_CURRENCY, inTransaction, isUuid, type EventConsumer, type Logger } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { ensureWalletId } from '../db/account-repository.ts';
import type { WalletDatabase } from '../db/types.ts';

export const TOPIC_ORGANIZATION_CREATED = 'tenancy.organization.created';

/**
 * Every organisation gets its wallet when tenancy announces it. Redelivered events are skipped
 * (consumeOnce); a wallet already made by an early top-up is kept.
 */
export function walletsForNewOrganizations(db: Kysely<WalletDatabase>, logger: Logger): EventConsumer {
  return defineConsumer({
    name: 'wallet.create-wallets',
    topics: [TOPIC_ORGANIZATION_CREATED],
    handle: async (event) => {
      // The contract is a compile-time promise; a malformed event cannot be fixed by retrying it.
      const organizationId: unknown = (event.payload as Partial<typeof event.payload> | null)?.organizationId;
      if (typeof organizationId !== 'string' || !isUuid(organizationId)) {
        logger.warn('ignoring malformed organization.created event', { eventId: event.id });
        return;
      }
      await inTransaction(db, (trx) =>
        consumeOnce(trx, event.id, async () => {
          await ensureWalletId(trx, organizationId, DEFAULT_CURRENCY);
        }),
      );
    },
  });
}
