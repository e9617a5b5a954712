import { createServiceClient, type ServiceTokenSource } from '@platform/kernel';
import type { SuspensionPort } from '../domain/ports.ts';

const SUSPEND = `mutation BillingSuspendOrganization($organizationId: ID!, $reason: String!) { internalSuspendOrganization(organizationId: $organizationId, reason: $reason) }`;

const RESUME = `mutation BillingResumeOrganization($organizationId: ID!, $reason: String!) { internalResumeOrganization(organizationId: $organizationId, reason: $reason) }`;

/** tenancy's internalSuspendOrganization and internalResumeOrganization (scope tenancy:write); each twice changes nothing. */
export function tenancySuspension(tenancyUrl: string | (() => string), tokens: ServiceTokenSource): SuspensionPort {
  const tenancy = createServiceClient({ url: tenancyUrl, tokens });
  return {
    async suspend(organizationId, reason) {
      await tenancy.request<{ internalSuspendOrganization: boolean }>(SUSPEND, { organizationId, reason });
    },
    async resume(organizationId, reason) {
      return (await tenancy.request<{ internalResumeOrganization: boolean }>(RESUME, { organizationId, reason })).internalResumeOrganization;
    },
  };
}
