import { EnvReader, MAX_MINOR, readServiceConfig, type Env, type ServiceConfig } from '@platform/kernel';
import { MAX_HOLD_TTL_SECONDS } from './domain/hold.ts';
import { DEFAULT_MAX_CREDIT_RANDS } from './domain/wallet-service.ts';

export interface WalletConfig extends ServiceConfig {
  readonly databasePoolSize: number;
  /** How long a hold lives when its placer does not say. */
  readonly holdTtlSeconds: number;
  /** How often expired holds are swept and their funds given back. */
  readonly holdSweepIntervalMs: number;
  /** The most one top-up may credit, in minor units (WALLET_MAX_CREDIT is in whole rands). */
  readonly maxCreditMinor: bigint;
  /** Group transfers paid by one wallet into one transaction per batch (WALLET_GROUP_COMMIT=0 turns it off). */
  readonly groupCommit: boolean;
}

export function readWalletConfig(env: Env = process.env): WalletConfig {
  const r = new EnvReader(env);
  return Object.freeze({
    ...readServiceConfig('wallet', 4003, env),
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 }),
    holdTtlSeconds: r.int('WALLET_HOLD_TTL_SECONDS', 3600, { min: 1, max: MAX_HOLD_TTL_SECONDS }),
    holdSweepIntervalMs: r.int('WALLET_HOLD_SWEEP_MS', 5000, { min: 50, max: 3_600_000 }),
    maxCreditMinor: BigInt(r.int('WALLET_MAX_CREDIT', DEFAULT_MAX_CREDIT_RANDS, { min: 1, max: Number(MAX_MINOR / 100n) })) * 100n,
    groupCommit: r.oneOf('WALLET_GROUP_COMMIT', ['0', '1'], '1') === '1',
  });
}
