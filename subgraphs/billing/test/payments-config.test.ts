import { describe, expect, it } from 'vitest';
import { readBillingConfig } from '../src/index.ts';

// Development: standalone services default to production, where an absent webhook secret is refused (tested below).
const base = { DATABASE_URL: 'postgres://localhost/billing', NODE_ENV: 'development' };

describe('billing payment configuration', () => {
  it('has defaults for the simulator, bounds and passes', () => {
    const config = readBillingConfig(base);
    expect({
      walletUrl: config.walletUrl,
      delay: config.paymentSimulatorDelayMs,
      failures: config.paymentSimulatorFailurePercent,
      min: config.topUpMinRands,
      max: config.topUpMaxRands,
      ttl: config.topUpTtlMinutes,
    }).toEqual({ walletUrl: 'http://127.0.0.1:4003/graphql', delay: 3000, failures: 0, min: 10, max: 100_000, ttl: 60 });
    // Outside production an absent secret is a fresh random one (the simulator signs with the same config).
    expect(config.paymentWebhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readBillingConfig(base).paymentWebhookSecret).not.toBe(config.paymentWebhookSecret);
  });

  it('requires PAYMENT_WEBHOOK_SECRET in production, of at least 32 characters', () => {
    expect(() => readBillingConfig({ ...base, NODE_ENV: 'production' })).toThrow('Configuration error: PAYMENT_WEBHOOK_SECRET is required in production');
    expect(() => readBillingConfig({ ...base, PAYMENT_WEBHOOK_SECRET: 'short' })).toThrow(
      'Configuration error: PAYMENT_WEBHOOK_SECRET must be at least 32 characters',
    );
    const secret = 'x'.repeat(32);
    expect(readBillingConfig({ ...base, NODE_ENV: 'production', PAYMENT_WEBHOOK_SECRET: secret }).paymentWebhookSecret).toBe(secret);
  });

  it('refuses malformed bounds naming the variable', () => {
    expect(() => readBillingConfig({ ...base, TOP_UP_MIN_RANDS: '500', TOP_UP_MAX_RANDS: '100' })).toThrow(
      'Configuration error: TOP_UP_MAX_RANDS must be at least TOP_UP_MIN_RANDS (500)',
    );
    expect(() => readBillingConfig({ ...base, PAYMENT_SIMULATOR_FAILURE_PERCENT: '101' })).toThrow(
      'Configuration error: PAYMENT_SIMULATOR_FAILURE_PERCENT must be between 0 and 100, got 101',
    );
    expect(() => readBillingConfig({ ...base, WALLET_URL: 'not a url' })).toThrow('Configuration error: WALLET_URL must be a URL, got "not a url"');
  });
});
