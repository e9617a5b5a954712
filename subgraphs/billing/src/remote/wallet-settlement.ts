import { createServiceClient, ServiceRefusal, toMoney, type ServiceTokenSource } from '@platform/kernel';
import type { SettlementPort } from '../domain/ports.ts';

const DEBIT = `mutation BillingDebitForBill($input: DebitForBillInput!) { internalDebitForBill(input: $input) { id } }`;

/** wallet's internalDebitForBill (scope wallet:debit); the bill id is the idempotency key, so a retry never pays twice. */
export function walletSettlement(walletUrl: string | (() => string), tokens: ServiceTokenSource): SettlementPort {
  const wallet = createServiceClient({ url: walletUrl, tokens });
  return {
    async settle(bill) {
      try {
        const data = await wallet.request<{ internalDebitForBill: { id: string } }>(DEBIT, {
          input: {
            organizationId: bill.organizationId,
            billId: bill.id,
            amount: toMoney(bill.totalMinor).amount,
            currency: bill.currency,
            description: `Invoice ${bill.invoiceNumber}`,
          },
        });
        return { kind: 'PAID', transactionId: data.internalDebitForBill.id };
      } catch (error) {
        // A refusal is a decision (funds short, organisation suspended, no wallet): the bill stays unpaid.
        if (error instanceof ServiceRefusal) return { kind: 'REFUSED', code: error.code, message: error.message };
        throw error;
      }
    },
  };
}
