import { consumeOnce, DEFAULT_CURRENCY, type EventBus, inTransaction, isUuid, type Logger } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { ensureWalletId } from '../db/account-repository.ts';
import type { WalletDatabase } from '../db/types.ts';

export const TOPIC_ORGANIZATION_CREATED = 'tenancy.organization.created';

/**
 * Every organisation gets its wallet when tenancy announces it. Redelivered events are skipped
 * (consumeOnce); a wallet already made by an early top-up is kept. Returns the unsubscribe.
 */
export function createWalletsForNewOrganizations(db: Kysely<WalletDatabase>, bus: EventBus, logger: Logger): () => void {
  return bus.subscribe(TOPIC_ORGANIZATION_CREATED, async (event) => {
    const organizationId = (event.payload as { organizationId?: unknown } | null)?.organizationId;
    if (typeof organizationId !== 'string' || !isUuid(organizationId)) {
      // Retrying cannot fix a malformed event; failing would block the publisher's outbox forever.
      logger.warn('ignoring malformed organization.created event', { eventId: event.id });
      return;
    }
    await inTransaction(db, (trx) =>
      consumeOnce(trx, event.id, async () => {
        await ensureWalletId(trx, organizationId, DEFAULT_CURRENCY);
      }),
    );
  });
}
