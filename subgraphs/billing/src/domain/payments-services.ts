import type { Logger, OrgDirectory } from '@platform/kernel';
import type { BillingDb } from '../db/types.ts';
import { BudgetService } from './budget-service.ts';
import { CommissionService } from './commission-service.ts';
import type { WalletPayments } from './payments.ts';
import type { PaymentProvider } from './payments-provider.ts';
import { TopUpService } from './payments-service.ts';
import type { AccruedSpendSource, BilledRevenueSource } from './ports.ts';

/** What the money flows stand on: built once per subgraph and shared by request and background services. */
export interface PaymentPorts {
  readonly provider: PaymentProvider;
  readonly wallet: WalletPayments;
  readonly accruedSpend: AccruedSpendSource;
  readonly billedRevenue: BilledRevenueSource;
  readonly orgDirectory: OrgDirectory;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** Money arrived in an organisation's wallet (a top-up credited): settle what it owes now. */
  readonly onCredited?: (organizationId: string) => Promise<void>;
}

export interface PaymentLimits {
  readonly topUpTtlMinutes: number;
  readonly topUpMinRands: number;
  readonly topUpMaxRands: number;
}

export interface PaymentServices {
  readonly topUps: TopUpService;
  readonly commission: CommissionService;
  readonly budgets: BudgetService;
}

export function createPaymentServices(db: BillingDb, ports: PaymentPorts, limits: PaymentLimits): PaymentServices {
  return {
    topUps: new TopUpService(db, {
      provider: ports.provider,
      wallet: ports.wallet,
      logger: ports.logger,
      ttlMs: limits.topUpTtlMinutes * 60_000,
      minMinor: BigInt(limits.topUpMinRands) * 100n,
      maxMinor: BigInt(limits.topUpMaxRands) * 100n,
      clock: ports.clock,
      onCredited: ports.onCredited,
    }),
    commission: new CommissionService(db, { revenue: ports.billedRevenue, orgDirectory: ports.orgDirectory, wallet: ports.wallet, clock: ports.clock }),
    budgets: new BudgetService(db, ports.accruedSpend, ports.clock),
  };
}

/** Until the rating side is wired in, a source that says so loudly rather than answering zero. */
export const unwiredSpendSources: Pick<PaymentPorts, 'accruedSpend' | 'billedRevenue'> = {
  accruedSpend: {
    accruedFor: () => Promise.reject(new Error('billing: no AccruedSpendSource is wired (budgets need the rated usage)')),
  },
  billedRevenue: {
    revenueByOrganization: () => Promise.reject(new Error('billing: no BilledRevenueSource is wired (commission needs finalised bills)')),
  },
};
