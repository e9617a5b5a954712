import { describe, expect, it } from 'vitest';
import { readRemoteServicesConfig } from '@platform/kernel';
import { readWalletConfig } from '../src/config.ts';

describe('configuration', () => {
  const env = { DATABASE_URL: 'postgres://u:p@localhost:5432/wallet' };

  it('has defaults for everything but the database', () => {
    const config = readWalletConfig(env);
    expect(config).toMatchObject({
      serviceName: 'wallet',
      port: 4003,
      databasePoolSize: 10,
      holdTtlSeconds: 3600,
      holdSweepIntervalMs: 5000,
      maxCreditMinor: 100_000_000n,
      groupCommit: true,
    });
    expect(readWalletConfig({ ...env, WALLET_GROUP_COMMIT: '0' }).groupCommit).toBe(false);
    expect(readWalletConfig({ ...env, WALLET_MAX_CREDIT: '2500' }).maxCreditMinor).toBe(250_000n);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('fails fast naming the variable that is missing or malformed', () => {
    expect(() => readWalletConfig({})).toThrow(/DATABASE_URL/);
    expect(() => readWalletConfig({ ...env, WALLET_HOLD_TTL_SECONDS: 'an hour' })).toThrow(/WALLET_HOLD_TTL_SECONDS/);
    expect(() => readWalletConfig({ ...env, WALLET_HOLD_TTL_SECONDS: String(8 * 24 * 3600) })).toThrow(/WALLET_HOLD_TTL_SECONDS/);
    expect(() => readWalletConfig({ ...env, DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => readWalletConfig({ ...env, WALLET_GROUP_COMMIT: 'yes' })).toThrow(/WALLET_GROUP_COMMIT/);
    for (const bad of ['0', '10000000000001', '1.5', 'lots']) expect(() => readWalletConfig({ ...env, WALLET_MAX_CREDIT: bad })).toThrow(/WALLET_MAX_CREDIT/);
    expect(() => readRemoteServicesConfig({})).toThrow(/SERVICE_SECRET/);
    expect(() => readRemoteServicesConfig({ SERVICE_SECRET: 's', TENANCY_URL: 'nope' })).toThrow(/TENANCY_URL/);
  });
});
