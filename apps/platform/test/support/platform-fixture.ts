import { orgTest } from '@platform/testkit';
import type { PlatformOptions } from '../../src/start-platform.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';

/**
 * The whole platform, one per test file (fresh databases, demo data seeded), closed after the file.
 * Starting it can outlast a test's timeout on a loaded machine, so a file starts it in a hook,
 * which has the longer hook timeout: `platformTest.beforeAll(({ platform }) => void platform)`.
 */
export const platformTest = platformTestWith({});

/** platformTest on a platform started with `overrides` (e.g. billing's simulator delay, a spend source). */
export function platformTestWith(overrides: Partial<PlatformOptions>) {
  return orgTest.extend<{ platform: TestPlatform }>({
    platform: [
      async ({}, use) => {
        const platform = await startTestPlatform(overrides);
        try {
          await use(platform);
        } finally {
          await platform.close();
        }
      },
      { scope: 'file' },
    ],
  });
}
