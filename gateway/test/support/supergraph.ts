import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { alphaSdl, betaSdl } from './fixture-subgraphs.ts';

/** routing_urls nobody listens on: every test reaches the fixtures through URL overrides. */
export const UNROUTABLE = { alpha: 'http://alpha.invalid/graphql', beta: 'http://beta.invalid/graphql' };

export function composeFixtures(options: { withColor?: boolean } = {}): string {
  const result = composeServices([
    { name: 'alpha', url: UNROUTABLE.alpha, typeDefs: parse(alphaSdl(options.withColor ?? false)) },
    { name: 'beta', url: UNROUTABLE.beta, typeDefs: parse(betaSdl) },
  ]);
  if (result.errors) throw new Error(`fixture composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}

export interface TempDir {
  readonly dir: string;
  file(name: string): string;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-test-'));
  return { dir, file: (name) => path.join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Replaces a file the way deploy tools do: write a sibling, rename over. */
export async function replaceFile(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
