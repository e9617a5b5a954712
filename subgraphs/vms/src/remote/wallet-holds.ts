import { createServiceClient, type ServiceTokenSource, toMoney } from '@platform/kernel';
import type { HoldView, WalletPort } from '../domain/ports.ts';

const PLACE = `mutation VmsPlaceHold($input: PlaceHoldInput!) { internalPlaceHold(input: $input) { id status } }`;
const RELEASE = `mutation VmsReleaseHold($input: ReleaseHoldInput!) { internalReleaseHold(input: $input) { id status } }`;

/** The wallet's hold operations vms uses (scope wallet:hold): place and release, each idempotent under the key given. */
export function walletHolds(walletUrl: string | (() => string), tokens: ServiceTokenSource): WalletPort {
  const wallet = createServiceClient({ url: walletUrl, tokens });
  return {
    async placeHold(h) {
      const input = {
        organizationId: h.organizationId,
        amount: toMoney(h.amountMinor, h.currency).amount,
        currency: h.currency,
        idempotencyKey: h.idempotencyKey,
        description: h.description,
        reference: h.reference,
        expiresInSeconds: h.expiresInSeconds,
      };
      return (await wallet.request<{ internalPlaceHold: HoldView }>(PLACE, { input })).internalPlaceHold;
    },
    async releaseHold(holdId, idempotencyKey) {
      return (await wallet.request<{ internalReleaseHold: HoldView }>(RELEASE, { input: { holdId, idempotencyKey } })).internalReleaseHold;
    },
  };
}
