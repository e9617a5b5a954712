import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { TEST_AUDIENCE, TEST_ISSUER } from '@platform/testkit';

export interface JwksIssuer {
  /** The JWKS endpoint, served over real HTTP like identity's. */
  readonly url: string;
  readonly kid: string;
  readonly publicJwk: JWK;
  /** How many times the JWKS was fetched. */
  readonly fetches: () => number;
  /** A token as identity issues it; `options` bend one thing at a time for the attack tests. */
  token(options?: TokenOptions): Promise<string>;
  stop(): Promise<void>;
}

export interface TokenOptions {
  readonly sub?: string;
  readonly claims?: Record<string, unknown>;
  readonly audience?: string;
  readonly issuer?: string;
  readonly expiresAt?: number; // seconds since epoch
  readonly issuedAt?: number;
  readonly kid?: string;
  /** Sign with a key the JWKS does not publish. */
  readonly foreignKey?: boolean;
}

export async function startJwksIssuer(): Promise<JwksIssuer> {
  const kid = 'gateway-test-key';
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const foreign = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const body = JSON.stringify({ keys: [publicJwk] });
  let fetches = 0;
  const server = http.createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const now = () => Math.floor(Date.now() / 1000);
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    kid,
    publicJwk,
    fetches: () => fetches,
    token: (o = {}) => {
      const key: CryptoKey = o.foreignKey ? foreign.privateKey : privateKey;
      return new SignJWT({ typ: 'user', org: 'org-1', role: 'MEMBER', scopes: [], ...o.claims })
        .setProtectedHeader({ alg: 'EdDSA', kid: o.kid ?? kid })
        .setSubject(o.sub ?? 'user-1')
        .setIssuer(o.issuer ?? TEST_ISSUER)
        .setAudience(o.audience ?? TEST_AUDIENCE)
        .setIssuedAt(o.issuedAt ?? now())
        .setExpirationTime(o.expiresAt ?? now() + 900)
        .sign(key);
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The classic forgeries, built by hand. */
export const forge = {
  /** `alg: none` with an empty signature. */
  unsigned(payload: Record<string, unknown>): string {
    return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
  },
  /** HS256 keyed with the public key's bytes: the algorithm-confusion attack. */
  hmacWithPublicKey(payload: Record<string, unknown>, publicJwk: JWK, kid: string): string {
    const signingInput = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(payload)}`;
    const signature = createHmac('sha256', JSON.stringify(publicJwk)).update(signingInput).digest('base64url');
    return `${signingInput}.${signature}`;
  },
  /** Flips one signature byte. */
  tamperSignature(token: string): string {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const bytes = Buffer.from(signature, 'base64url');
    bytes[10] = (bytes[10] ?? 0) ^ 0xff;
    return `${header}.${payload}.${bytes.toString('base64url')}`;
  },
  /** Rewrites the claims and keeps the old signature (privilege escalation attempt). */
  tamperPayload(token: string, changes: Record<string, unknown>): string {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), ...changes };
    return `${header}.${b64(claims)}.${signature}`;
  },
};

/** Claims as identity would put them in a token, for the hand-built forgeries. */
export function plausibleClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: 'user-1', typ: 'user', org: 'org-1', role: 'OWNER', scopes: [], iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 900 };
}
