import { ConfigError } from '@platform/kernel';
import { expect, test } from 'vitest';
import { readVmsConfig } from '../src/config.ts';

const base = { DATABASE_URL: 'postgres://localhost/vms' };

test('defaults: port 4005, a simulator that takes a while and rarely fails, day-long holds', () => {
  const config = readVmsConfig(base);
  expect(config).toMatchObject({
    serviceName: 'vms',
    port: 4005,
    buildDelayMs: 3000,
    buildFailurePercent: 2,
    holdTtlSeconds: 86_400,
    catalogUrl: 'http://127.0.0.1:4004/graphql',
    walletUrl: 'http://127.0.0.1:4003/graphql',
  });
  expect(Object.isFrozen(config)).toBe(true);
});

test('a malformed variable stops the boot, naming it', () => {
  for (const [name, value] of [
    ['VMS_BUILD_FAILURE_PERCENT', '150'],
    ['VMS_BUILD_DELAY_MS', 'soon'],
    ['VMS_HOLD_TTL_SECONDS', '999999999'],
    ['CATALOG_URL', 'not a url'],
  ] as const) {
    expect(() => readVmsConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => readVmsConfig({ ...base, [name]: value })).toThrow(name);
  }
  expect(() => readVmsConfig({})).toThrow('DATABASE_URL');
});
