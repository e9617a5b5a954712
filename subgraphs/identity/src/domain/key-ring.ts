import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { inTransaction } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { allKeys, insertSigningKey, publishedKeys, retireUnretiredKeys, storeSealedKey, type StoredSigningKey } from '../db/signing-key-repository.ts';
import type { IdentityDatabase } from '../db/types.ts';
import type { KeySealer } from './sealing.ts';

/** A published key with its private half opened (in memory only). */
export interface SigningKeyRecord {
  readonly kid: string;
  readonly algorithm: string;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  readonly activatesAt: Date;
  readonly retiresAt: Date | null;
}

const ALGORITHM = 'EdDSA';
const CACHE_MS = 5_000;

export interface KeyRingOptions {
  readonly publishLeadSeconds: number;
  readonly accessTokenTtlSeconds: number;
  readonly issuer: string;
  readonly audience: string;
}

/**
 * Signing keys, persisted so every replica signs and verifies with the same set. A rotated key is
 * published at once but signs only after the publication lead, so verifiers caching the JWKS learn
 * it first; the key it replaces stays published until tokens it signed have expired.
 */
export class KeyRing {
  private cache: { at: number; keys: SigningKeyRecord[] } | undefined;

  constructor(
    private readonly db: Kysely<IdentityDatabase>,
    private readonly options: KeyRingOptions,
    private readonly sealer: KeySealer,
  ) {}

  /**
   * At start: seals plain rows (from before sealing) and re-seals rows under an older key-encryption
   * key, opening every row, so a wrong KEY_ENCRYPTION_KEY stops the boot naming the variable. Then
   * creates a first key, active at once, when there is none (a fresh database).
   */
  async ensureKey(): Promise<void> {
    for (const key of await allKeys(this.db)) {
      if ('sealed' in key.privateKey && key.privateKey.kekId === this.sealer.currentId) {
        this.sealer.open(key.privateKey, key.kid); // proves the configured key opens it
        continue;
      }
      const plain = 'plain' in key.privateKey ? key.privateKey.plain : this.sealer.open(key.privateKey, key.kid);
      await storeSealedKey(this.db, key.kid, this.sealer.seal(plain, key.kid));
    }
    if ((await this.keys(true)).length === 0) await this.addKey(new Date(), new Date());
  }

  async rotate(now = new Date()): Promise<SigningKeyRecord> {
    const activatesAt = new Date(now.getTime() + this.options.publishLeadSeconds * 1000);
    const retireOthersAt = new Date(activatesAt.getTime() + (this.options.accessTokenTtlSeconds + 60) * 1000);
    return this.addKey(activatesAt, retireOthersAt);
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.keys()).map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.algorithm, use: 'sig' })) };
  }

  /** Signs with the newest key already active. */
  async sign(payload: JWTPayload, subject: string, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    const now = Date.now();
    const key = (await this.keys()).find((k) => k.activatesAt.getTime() <= now);
    if (!key) throw new Error('no active signing key');
    const expiresAt = new Date(Math.floor(now / 1000) * 1000 + ttlSeconds * 1000);
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: key.algorithm, kid: key.kid, typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .setJti(randomUUID())
      .sign(await importJWK(key.privateJwk, key.algorithm));
    return { token, expiresAt };
  }

  /** For verifying locally: finds the public key by kid, re-reading the store once on a miss. */
  readonly keyResolver: JWTVerifyGetKey = async (header) => {
    const find = (keys: SigningKeyRecord[]) => keys.find((k) => k.kid === header.kid && k.algorithm === header.alg);
    const key = find(await this.keys()) ?? find(await this.keys(true));
    if (!key) throw new Error('unknown signing key');
    return importJWK(key.publicJwk, key.algorithm) as ReturnType<JWTVerifyGetKey>;
  };

  private async addKey(activatesAt: Date, retireOthersAt: Date): Promise<SigningKeyRecord> {
    const { publicKey, privateKey } = await generateKeyPair(ALGORITHM, { crv: 'Ed25519', extractable: true });
    const record = {
      kid: randomUUID(),
      algorithm: ALGORITHM,
      publicJwk: await exportJWK(publicKey),
      privateJwk: await exportJWK(privateKey),
      activatesAt,
    };
    await inTransaction(this.db, async (trx) => {
      await retireUnretiredKeys(trx, retireOthersAt);
      await insertSigningKey(trx, { ...record, privateKey: this.sealer.seal(record.privateJwk, record.kid) });
    });
    this.cache = undefined;
    return { ...record, retiresAt: null };
  }

  private opened({ privateKey, ...key }: StoredSigningKey): SigningKeyRecord {
    const previous = this.cache?.keys.find((k) => k.kid === key.kid); // opened already: skip the decryption
    const privateJwk = previous?.privateJwk ?? ('plain' in privateKey ? privateKey.plain : (this.sealer.open(privateKey, key.kid) as JWK));
    return { ...key, privateJwk };
  }

  private async keys(fresh = false): Promise<SigningKeyRecord[]> {
    if (!fresh && this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.keys;
    const keys = (await publishedKeys(this.db, new Date())).map((k) => this.opened(k));
    this.cache = { at: Date.now(), keys };
    return keys;
  }
}
