import { expect, test } from 'vitest';
import { createLogger } from '../src/index.ts';
import { frequentTask, until } from './support/timing.ts';

function recordingLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { ...createLogger({}, 'error'), warn: (msg: string) => void warnings.push(msg) } };
}

test('stop() waits for the pass in flight, and no pass starts after it', async () => {
  const events: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const task = frequentTask('gated', createLogger({}, 'error'), async () => {
    events.push('pass started');
    await gate;
    events.push('pass finished');
  });
  task.start();
  await until(() => events.length === 1);
  let stopped = false;
  const stopping = task.stop().then(() => {
    stopped = true;
    events.push('stopped');
  });
  await new Promise((r) => setTimeout(r, 50));
  expect(stopped).toBe(false);
  release();
  await stopping;
  await new Promise((r) => setTimeout(r, 50));
  expect(events).toEqual(['pass started', 'pass finished', 'stopped']);
  expect(task.running).toBe(false);
});

test('a pass that throws is logged and retried on the next tick', async () => {
  const { warnings, logger } = recordingLogger();
  let passes = 0;
  const task = frequentTask('flaky', logger, async () => {
    passes += 1;
    if (passes === 1) throw new Error('database unavailable');
    return passes;
  });
  task.start();
  await until(() => passes >= 3);
  await task.stop();
  expect(warnings[0]).toBe('flaky failed; will retry');
  expect(warnings).toHaveLength(1);
});

test('passes never overlap, even when a pass is slower than the interval', async () => {
  let running = 0;
  let maxRunning = 0;
  let passes = 0;
  const slowPass = async () => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, 15));
    running -= 1;
    passes += 1;
  };
  const task = frequentTask('slow', createLogger({}, 'error'), slowPass, 1);
  task.start();
  await until(() => passes >= 3);
  await Promise.all([task.runNow(), task.runNow()]);
  await task.stop();
  expect(maxRunning).toBe(1);
});
