import { readGatewayConfig, type GatewayConfig } from '../../src/config.ts';
import { createGateway, type Gateway, type GatewayDeps } from '../../src/index.ts';
import type { RunningServer } from '@platform/kernel';

/** A gateway config for tests: port 0, everything else from the defaults plus `env`. */
export function testConfig(env: Record<string, string>): GatewayConfig {
  return readGatewayConfig({ PORT: '0', NODE_ENV: 'test', ...env }, []);
}

export interface StartedGateway {
  readonly gateway: Gateway;
  readonly server: RunningServer;
}

export async function startGateway(env: Record<string, string>, deps: GatewayDeps): Promise<StartedGateway> {
  const gateway = createGateway(testConfig(env), deps);
  const server = await gateway.start();
  return { gateway, server };
}

/** Polls until `check` passes (file watchers and loads are asynchronous). */
export async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
