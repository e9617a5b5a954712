import type http from 'node:http';
import { callerFromAuthorization, requestIdFrom, type Caller, type Logger, type TokenVerifier } from '@platform/kernel';

/** What the gateway knows about one request: who (verified), and the id that ties logs together across services. */
export interface GatewayContext {
  readonly requestId: string;
  readonly caller: Caller;
  readonly logger: Logger;
  /** The client's address as the gateway's socket sees it; sent on as x-forwarded-for (identity throttles sign-ins by it). */
  readonly clientAddress?: string;
}

/** No header → anonymous; a bad or forged token → UNAUTHENTICATED (401) before anything is planned. */
export async function createGatewayContext(req: http.IncomingMessage, deps: { verifyToken: TokenVerifier; logger: Logger }): Promise<GatewayContext> {
  const requestId = requestIdFrom(req);
  const caller = await callerFromAuthorization(req.headers.authorization, deps.verifyToken);
  return { requestId, caller, logger: deps.logger.child({ requestId }), clientAddress: req.socket.remoteAddress };
}

export function isGatewayContext(value: unknown): value is GatewayContext {
  return typeof value === 'object' && value !== null && typeof (value as Partial<GatewayContext>).requestId === 'string';
}
