import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet, type JWK } from 'jose';
import { createTokenVerifier, type OrgDirectory, type OrgNode, type Role, type TokenVerifier } from '../index.ts';

export const TEST_ISSUER = 'cloud-platform/identity';
export const TEST_AUDIENCE = 'cloud-platform';

export interface TestAuth {
  readonly verifyToken: TokenVerifier;
  readonly jwks: { keys: JWK[] };
  /** A real signed EdDSA token, as identity would issue it. */
  userToken(claims: { sub: string; org: string; role: Role; scopes?: string[] }): Promise<string>;
  serviceToken(service: string, scopes: string[]): Promise<string>;
}

/**
 * Real JWTs signed with a key made for this test file, verified by the kernel's verifier: for
 * testing a subgraph on its own. End-to-end tests get tokens from the identity subgraph instead.
 */
export async function createTestAuth(): Promise<TestAuth> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const kid = 'test-key';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const jwks = { keys: [jwk] };
  const sign = (payload: Record<string, unknown>, sub: string) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(sub)
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(privateKey);
  return {
    jwks,
    verifyToken: createTokenVerifier({ keys: createLocalJWKSet(jwks), issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
    userToken: (c) => sign({ typ: 'user', org: c.org, role: c.role, scopes: c.scopes ?? [] }, c.sub),
    serviceToken: (service, scopes) => sign({ typ: 'service', scopes }, `service:${service}`),
  };
}

/**
 * An organisation tree held in memory, for testing one subgraph without the tenancy service.
 * `add(kind, parent?)` returns the new id. End-to-end tests use the real tenancy subgraph.
 */
export class TestOrgTree implements OrgDirectory {
  private readonly nodes = new Map<string, Pick<OrgNode, 'id' | 'kind' | 'ancestors'>>();
  private readonly suspended = new Set<string>();

  add(id: string, kind: OrgNode['kind'], parentId?: string): string {
    const parent = parentId ? this.nodes.get(parentId) : undefined;
    if (parentId && !parent) throw new Error(`unknown parent ${parentId}`);
    this.nodes.set(id, { id, kind, ancestors: parent ? [...parent.ancestors, parent.id] : [] });
    return id;
  }

  /** Suspends (or resumes) an organisation: it and everything below it read as SUSPENDED. */
  setSuspended(id: string, suspended: boolean): void {
    if (suspended) this.suspended.add(id);
    else this.suspended.delete(id);
  }

  async lookup(ids: readonly string[]): Promise<ReadonlyMap<string, OrgNode>> {
    const found = new Map<string, OrgNode>();
    for (const id of ids) {
      const node = this.nodes.get(id);
      if (!node) continue;
      const suspendedBy = [id, ...[...node.ancestors].reverse()].find((a) => this.suspended.has(a)) ?? null;
      found.set(id, { ...node, status: suspendedBy ? 'SUSPENDED' : 'ACTIVE', suspendedBy });
    }
    return found;
  }
}
