import { describe, expect, it } from 'vitest';
import { hashServiceSecret, serviceCredentialsEnv } from '@platform/kernel';
import { readIdentityConfig } from '@platform/identity';

describe('SERVICE_CREDENTIALS', () => {
  // A valid key-encryption key, so only SERVICE_CREDENTIALS decides.
  const env = { DATABASE_URL: 'postgres://u:p@localhost:5432/identity', KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
  const secrets = { wallet: 'w'.repeat(43), vms: 'v'.repeat(43) };

  it('holds each service credential as the SHA-256 of its secret, by name', () => {
    const config = readIdentityConfig({ ...env, SERVICE_CREDENTIALS: serviceCredentialsEnv(secrets) });
    expect([...config.serviceCredentials]).toEqual([
      ['wallet', hashServiceSecret(secrets.wallet)],
      ['vms', hashServiceSecret(secrets.vms)],
    ]);
    expect(hashServiceSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('fails fast naming the variable: missing, an unknown service, identity itself, a clear-text secret, a duplicate', () => {
    const hash = hashServiceSecret('x'.repeat(32));
    expect(() => readIdentityConfig(env)).toThrow(/SERVICE_CREDENTIALS/);
    expect(() => readIdentityConfig({ ...env, SERVICE_CREDENTIALS: `nobody=${hash}` })).toThrow(/SERVICE_CREDENTIALS.*unknown service "nobody"/);
    expect(() => readIdentityConfig({ ...env, SERVICE_CREDENTIALS: `identity=${hash}` })).toThrow(/SERVICE_CREDENTIALS.*identity signs its own/);
    expect(() => readIdentityConfig({ ...env, SERVICE_CREDENTIALS: `wallet=${'x'.repeat(32)}` })).toThrow(/SERVICE_CREDENTIALS.*64 hex digits/);
    expect(() => readIdentityConfig({ ...env, SERVICE_CREDENTIALS: `wallet=${hash},wallet=${hash}` })).toThrow(/SERVICE_CREDENTIALS.*twice/);
  });
});
