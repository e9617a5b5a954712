import { createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { createLogger, InMemoryEventBus, serviceCredentialsEnv } from '@platform/kernel';
import { createIdentitySubgraph, readIdentityConfig } from '@platform/identity';
import { codesOf, createTestDatabase } from '@platform/testkit';
import { DEMO_PASSWORD } from '../../src/demo-data.ts';
import { platformTest as test } from '../support/platform-fixture.ts';

test.beforeAll(({ platform }) => void platform);

const LOG_IN = `mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken refreshToken } }`;
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }`;

const kekId = (kek: string) => createHash('sha256').update(Buffer.from(kek, 'base64')).digest('hex').slice(0, 16);

function open(sealed: string, kek: string, kid: string): Record<string, string> {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(kek, 'base64'), raw.subarray(0, 12)).setAAD(Buffer.from(kid));
  decipher.setAuthTag(raw.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
}

describe('signing keys at rest (issue 9, item 7)', () => {
  test('the database holds no plaintext private key, for the first key and a rotated one', async ({ platform: p }) => {
    const token = await p.login('ops@highveld.example');
    const rotated = await p.gateway('mutation { rotateSigningKey { kid } }', {}, token);
    expect(rotated.errors).toBeUndefined();
    const rows = await sql<{ kid: string; whole: string; private_jwk: unknown; private_key_sealed: string; kek_id: string }>`
      select kid, row_to_json(k)::text as whole, private_jwk, private_key_sealed, kek_id from signing_keys k`.execute(p.identity.db);
    expect(rows.rows).toHaveLength(2);
    for (const row of rows.rows) {
      expect(row.private_jwk).toBeNull();
      expect(row.kek_id).toBe(kekId(p.keyEncryptionKey));
      const jwk = open(row.private_key_sealed, p.keyEncryptionKey, row.kid);
      expect(jwk['kty']).toBe('OKP');
      expect(jwk['d']).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(row.whole).not.toContain(jwk['d']); // the private scalar appears nowhere in the row
    }
    // Sealed keys still sign: a sign-in works.
    expect((await p.gateway(LOG_IN, { e: 'admin@karoo.example', p: DEMO_PASSWORD })).errors).toBeUndefined();
  });
});

describe('key-encryption key at boot', () => {
  const logger = createLogger({}, 'error');
  const config = (databaseUrl: string, env: Record<string, string>) =>
    readIdentityConfig({
      DATABASE_URL: databaseUrl,
      PORT: '0',
      SERVICE_CREDENTIALS: serviceCredentialsEnv({ vms: randomBytes(32).toString('base64url') }),
      ...env,
    });
  const boot = async (databaseUrl: string, env: Record<string, string>) => {
    const identity = createIdentitySubgraph(config(databaseUrl, env), { logger, eventBus: new InMemoryEventBus() });
    try {
      await identity.start();
    } finally {
      await identity.stop();
    }
  };

  test('plain rows from before sealing are sealed on start; a wrong KEK stops the boot naming the variable; rotation re-seals', async () => {
    const url = await createTestDatabase('identity-kek');
    const first = randomBytes(32).toString('base64');
    const second = randomBytes(32).toString('base64');
    // A database from before sealing: migrated, with a plain private key as the old code wrote it.
    const old = createIdentitySubgraph(config(url, { KEY_ENCRYPTION_KEY: first }), { logger, eventBus: new InMemoryEventBus() });
    await old.migrate();
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const plain = await exportJWK(privateKey);
    await sql`insert into signing_keys (kid, algorithm, public_jwk, private_jwk, activates_at)
              values ('old-plain-key', 'EdDSA', ${JSON.stringify(await exportJWK(publicKey))}, ${JSON.stringify(plain)}, now())`.execute(old.db);
    const row = async () =>
      (
        await sql<{ private_jwk: unknown; private_key_sealed: string | null; kek_id: string | null }>`
        select private_jwk, private_key_sealed, kek_id from signing_keys where kid = 'old-plain-key'`.execute(old.db)
      ).rows[0]!;

    await boot(url, { KEY_ENCRYPTION_KEY: first });
    const sealed = await row();
    expect(sealed.private_jwk).toBeNull();
    expect(sealed.kek_id).toBe(kekId(first));
    expect(open(sealed.private_key_sealed!, first, 'old-plain-key')).toEqual(plain);

    await expect(boot(url, { KEY_ENCRYPTION_KEY: second })).rejects.toThrow(/KEY_ENCRYPTION_KEY does not match the key that sealed the signing keys/);
    expect(await row()).toEqual(sealed); // nothing written
    await expect(boot(url, { KEY_ENCRYPTION_KEY: 'too-short' })).rejects.toThrow(/KEY_ENCRYPTION_KEY must be 32 bytes in base64/);

    // Rotation: the new key first, the old one in KEY_ENCRYPTION_KEYS_PREVIOUS; every row is re-sealed under the new one.
    await boot(url, { KEY_ENCRYPTION_KEY: second, KEY_ENCRYPTION_KEYS_PREVIOUS: first });
    const resealed = await row();
    expect(resealed.kek_id).toBe(kekId(second));
    expect(open(resealed.private_key_sealed!, second, 'old-plain-key')).toEqual(plain);
    await boot(url, { KEY_ENCRYPTION_KEY: second }); // the old key is no longer needed
    await old.stop();
  });
});

describe('refresh-token family lifetime', () => {
  test('a family past its absolute lifetime is refused even though each token is fresh', async ({ platform: p }) => {
    const first = (await p.gateway(LOG_IN, { e: 'admin@fynbos.example', p: DEMO_PASSWORD })).data.logIn;
    const second = (await p.gateway(REFRESH, { t: first.refreshToken })).data.refreshSession;
    const hash = createHash('sha256').update(second.refreshToken).digest();
    // The sign-in happened 30 days and a minute ago (REFRESH_FAMILY_MAX_SECONDS defaults to 30 days); the token itself is fresh.
    await sql`update refresh_tokens set family_started_at = now() - interval '30 days 1 minute'
              where family_id = (select family_id from refresh_tokens where token_hash = ${hash})`.execute(p.identity.db);
    const fresh = await sql<{ fresh: boolean }>`select expires_at > now() and used_at is null as fresh from refresh_tokens where token_hash = ${hash}`.execute(
      p.identity.db,
    );
    expect(fresh.rows).toEqual([{ fresh: true }]);
    const refused = await p.gateway(REFRESH, { t: second.refreshToken });
    expect(codesOf(refused)).toEqual(['UNAUTHENTICATED']);
    expect(refused.errors![0]!.message).toBe('The session has reached its maximum lifetime; sign in again.');
  });

  test('rotation never extends the family: a new token expires no later than the family does', async ({ platform: p }) => {
    const first = (await p.gateway(LOG_IN, { e: 'admin@kalahari.example', p: DEMO_PASSWORD })).data.logIn;
    const hash = createHash('sha256').update(first.refreshToken).digest();
    // Signed in 29 days 23 hours ago: the next token may live one more hour, not the full 14 days.
    await sql`update refresh_tokens set family_started_at = now() - interval '29 days 23 hours' where token_hash = ${hash}`.execute(p.identity.db);
    const second = (await p.gateway(REFRESH, { t: first.refreshToken })).data.refreshSession;
    const next = await sql<{ left: number }>`
      select extract(epoch from expires_at - now())::int as left from refresh_tokens where token_hash = ${createHash('sha256').update(second.refreshToken).digest()}`.execute(
      p.identity.db,
    );
    expect(next.rows[0]!.left).toBeGreaterThan(3500);
    expect(next.rows[0]!.left).toBeLessThanOrEqual(3600);
  });
});
