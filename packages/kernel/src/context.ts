import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { Access } from './auth/access.ts';
import type { Caller } from './auth/caller.ts';
import type { OrgDirectory } from './auth/org-directory.ts';
import { callerFromAuthorization, type TokenVerifier } from './auth/verify-token.ts';
import type { Logger } from './logger.ts';

/** What every resolver gets. Subgraphs extend it with their own fresh DataLoaders. */
export interface RequestContext {
  readonly requestId: string;
  readonly caller: Caller;
  readonly access: Access;
  readonly logger: Logger;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Reuses a well-formed incoming x-request-id (the gateway sets one) so logs line up across services. */
export function requestIdFrom(req: http.IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export async function createRequestContext(
  req: http.IncomingMessage,
  deps: { verifyToken: TokenVerifier; orgDirectory: OrgDirectory; logger: Logger },
): Promise<RequestContext> {
  const requestId = requestIdFrom(req);
  const caller = await callerFromAuthorization(req.headers.authorization, deps.verifyToken);
  return {
    requestId,
    caller,
    access: new Access(caller, deps.orgDirectory),
    logger: deps.logger.child({ requestId }),
  };
}
