import { Access, callerFromAuthorization, HttpError, isUuid, roleSatisfies, type HttpRoute, type OrgDirectory, type TokenVerifier } from '@platform/kernel';
import type { BillService } from '../domain/bill-service.ts';
import { renderInvoice } from '../domain/invoice-document.ts';

export const INVOICE_PATH = '/invoice';

/**
 * GET /invoice?id=<bill id> with `Authorization: Bearer <token>`: the bill's invoice as an HTML
 * document, for callers who may read the organisation's bills (BILLING, or OWNER/ADMIN). A bill the
 * caller may not read is 404, exactly like a missing one.
 */
export function invoiceRoute(bills: BillService, verifyToken: TokenVerifier, orgDirectory: OrgDirectory): HttpRoute {
  return {
    method: 'GET',
    path: INVOICE_PATH,
    async handler(req, res) {
      const caller = await callerFromAuthorization(req.headers.authorization, verifyToken).catch(() => {
        throw new HttpError(401, 'The Authorization header must carry a valid bearer token.');
      });
      if (caller.kind !== 'authenticated') throw new HttpError(401, 'Sign in to download an invoice.');
      const id = new URL(req.url ?? '/', 'http://localhost').searchParams.get('id') ?? '';
      if (!isUuid(id)) throw new HttpError(400, 'id: must be a UUID.');
      const [bill] = await bills.byIds([id.toLowerCase()]);
      const access = new Access(caller, orgDirectory);
      if (!bill || caller.role === null || !(await access.canSee(bill.organizationId))) throw new HttpError(404, 'No invoice you can see has this id.');
      if (!roleSatisfies(caller.role, 'BILLING')) throw new HttpError(403, `Invoices need the BILLING role; you have ${caller.role}.`);
      const [node, lines] = await Promise.all([access.node(bill.organizationId), bills.allLines(bill.id)]);
      const html = renderInvoice(bill, lines, node?.kind ?? 'CUSTOMER');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-disposition': `inline; filename="invoice-${bill.invoiceNumber}.html"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      });
      res.end(html);
    },
  };
}
