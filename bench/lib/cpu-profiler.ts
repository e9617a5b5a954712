import { Session } from 'node:inspector/promises';
import type { CpuProfile } from './cpu-profile-summary.ts';

/** Profiles this process from now until `stop()` (V8's sampling profiler, 1 ms interval unless told) and returns the profile. */
export async function startCpuProfile(intervalMicros = 1000): Promise<{ stop(): Promise<CpuProfile> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalMicros });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      await session.post('Profiler.disable');
      session.disconnect();
      return profile;
    },
  };
}
