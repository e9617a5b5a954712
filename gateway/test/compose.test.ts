import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { runCompose } from '../../scripts/compose.ts';
import { alphaSdl, betaSdl } from './support/fixture-subgraphs.ts';
import { tempDir, type TempDir } from './support/supergraph.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dirs: TempDir[] = [];
let dir: TempDir;
let config: string;
let out: string;

const YAML_OK = `
federation_version: =2.7.0
subgraphs:
  alpha:
    routing_url: http://127.0.0.1:4101/graphql
    schema:
      file: ./schemas/alpha.graphql
  beta:
    routing_url: http://127.0.0.1:4102/graphql
    schema:
      file: schemas/beta.graphql
`;

async function compose(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCompose(
    ['--config', config, '--out', out, ...args],
    (l) => stdout.push(l),
    (l) => stderr.push(l),
  );
  return { code, out: stdout.join('\n'), err: stderr.join('\n') };
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

beforeEach(async () => {
  dir = await tempDir();
  dirs.push(dir);
  await mkdir(dir.file('schemas'));
  await writeFile(dir.file('schemas/alpha.graphql'), alphaSdl(false));
  await writeFile(dir.file('schemas/beta.graphql'), betaSdl);
  config = dir.file('supergraph.yaml');
  out = dir.file('schema/supergraph.graphql');
  await writeFile(config, YAML_OK);
});

afterAll(async () => {
  await Promise.all(dirs.map((d) => d.remove()));
});

describe('compose', () => {
  test('composes the listed subgraphs (paths relative to the YAML) and writes the supergraph with their routing URLs', async () => {
    const result = await compose();
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/composed 2 subgraph\(s\): alpha, beta; \d+ composition hint\(s\)/);
    const sdl = await readFile(out, 'utf8');
    expect(sdl).toContain('@join__graph(name: "alpha", url: "http://127.0.0.1:4101/graphql")');
    expect(sdl).toContain('@join__graph(name: "beta", url: "http://127.0.0.1:4102/graphql")');
    expect(sdl).toMatch(/type Thing[\s\S]*extra: String/);
  });

  test('--check passes on a fresh file and fails with "stale: run npm run compose" once a subgraph changes', async () => {
    expect((await compose()).code).toBe(0);
    const fresh = await compose('--check');
    expect(fresh).toMatchObject({ code: 0 });
    expect(fresh.out).toContain('is up to date');

    await writeFile(dir.file('schemas/alpha.graphql'), alphaSdl(true));
    const before = await readFile(out, 'utf8');
    const stale = await compose('--check');
    expect(stale.code).toBe(1);
    expect(stale.err).toContain('stale: run npm run compose');
    expect(await readFile(out, 'utf8')).toBe(before); // --check never writes
  });

  test('--check fails when the supergraph was never composed', async () => {
    const result = await compose('--check');
    expect(result.code).toBe(1);
    expect(result.err).toContain('stale');
    expect(await exists(out)).toBe(false);
  });

  test('composition errors are printed, exit 1, and nothing is written', async () => {
    // beta redefines Thing.name with another type and without @shareable: two composition errors.
    await writeFile(dir.file('schemas/beta.graphql'), betaSdl.replace('extra: String', 'extra: String\n    name: Int'));
    const result = await compose();
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/composition failed with \d+ error\(s\)/);
    expect(result.err).toContain('Thing.name');
    expect(result.err).toMatch(/\[[A-Z_]+\]/); // each line carries the composition error code
    expect(await exists(out)).toBe(false);
  });

  test.each([
    ['a subgraph SDL that does not parse', async () => writeFile(dir.file('schemas/beta.graphql'), 'type Thing {'), /\[beta\] .*beta\.graphql: Syntax Error/],
    [
      'a missing schema file',
      async () => writeFile(config, YAML_OK.replace('schemas/beta.graphql', 'schemas/gone.graphql')),
      /subgraph beta: cannot read .*gone\.graphql \(ENOENT\)/,
    ],
    [
      'a missing routing_url',
      async () => writeFile(config, YAML_OK.replace('    routing_url: http://127.0.0.1:4102/graphql\n', '')),
      /subgraphs\.beta\.routing_url must be an http\(s\) URL/,
    ],
    [
      'an introspection source',
      async () => writeFile(config, YAML_OK.replace('file: schemas/beta.graphql', 'subgraph_url: http://x/graphql')),
      /subgraphs\.beta\.schema\.file must name/,
    ],
    ['Federation 1', async () => writeFile(config, YAML_OK.replace('=2.7.0', '1')), /federation_version must be 2/],
    ['no subgraphs', async () => writeFile(config, 'federation_version: 2\nsubgraphs: {}\n'), /subgraphs must list at least one subgraph/],
    ['invalid YAML', async () => writeFile(config, 'subgraphs: [unclosed'), /supergraph\.yaml: /],
    [
      'a missing config file',
      async () => {
        config = dir.file('nope.yaml');
      },
      /nope\.yaml: ENOENT/,
    ],
  ])('%s: a one-line error naming it, exit 1, nothing written', async (_name, breakIt, message) => {
    await breakIt();
    const result = await compose();
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(await exists(out)).toBe(false);
  });

  test('an unknown option is refused', async () => {
    const result = await compose('--frobnicate');
    expect(result).toMatchObject({ code: 1 });
    expect(result.err).toContain('unknown option --frobnicate');
  });

  test('the CLI (tsx scripts/compose.ts) exits 0 when it writes and 1 on a stale --check', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(
        path.join(ROOT, 'node_modules', '.bin', 'tsx'),
        [path.join(ROOT, 'scripts', 'compose.ts'), '--config', config, '--out', out, ...args],
        { cwd: ROOT },
      ).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    const written = await run();
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('wrote');
    await writeFile(out, 'tampered');
    const stale = await run('--check');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('stale: run npm run compose');
  });
});
