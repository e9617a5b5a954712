import { createServiceClient, type ServiceTokenSource, toMoney } from '@platform/kernel';
import type { WalletPayments } from '../domain/payments.ts';

const CREDIT = `mutation BillingCreditTopUp($input: TopUpWalletInput!) { topUpWallet(input: $input) { id } }`;
const REFUND = `mutation BillingRefundTopUp($input: RefundTopUpInput!) { internalRefundTopUp(input: $input) { id } }`;
const COMMISSION = `mutation BillingPayCommission($input: PayCommissionInput!) { internalPayCommission(input: $input) { id } }`;

/**
 * The wallet's money-in operations, each keyed so a repeat credits once: a top-up by its id
 * (scope wallet:credit), its refund by its id too, a commission payment by the statement id
 * (scope wallet:commission). Refusals arrive as ServiceRefusal.
 */
export function walletPayments(walletUrl: string | (() => string), tokens: ServiceTokenSource): WalletPayments {
  const wallet = createServiceClient({ url: walletUrl, tokens });
  return {
    async creditTopUp(c) {
      const input = {
        organizationId: c.organizationId,
        amount: toMoney(c.amountMinor).amount,
        currency: c.currency,
        paymentReference: c.paymentReference,
        idempotencyKey: c.topUpId,
      };
      await wallet.request(CREDIT, { input });
    },
    async refundTopUp(c) {
      const input = {
        organizationId: c.organizationId,
        amount: toMoney(c.amountMinor).amount,
        currency: c.currency,
        reference: c.topUpId,
        idempotencyKey: c.topUpId,
      };
      await wallet.request(REFUND, { input });
    },
    async payCommission(c) {
      const input = {
        organizationId: c.resellerId,
        amount: toMoney(c.amountMinor).amount,
        currency: c.currency,
        reference: c.statementId,
        description: c.description,
        idempotencyKey: c.statementId,
      };
      await wallet.request(COMMISSION, { input });
    },
  };
}
