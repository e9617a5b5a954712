import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import '@platform/testkit';
import { composeSupergraph, readSupergraphConfig } from '../compose.ts';
import { runNewSubgraph } from '../new-subgraph.ts';

// The generator run end to end on a scratch copy of what it edits, never on the real tree. The copy
// lives under .data/ (git-ignored) inside the repository, so the generated code resolves the
// workspace's node_modules exactly as a real subgraph does.
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(REPO, 'node_modules', '.bin');
const NAME = 'scratch-notes';
let root = '';

async function scratchCopy(): Promise<string> {
  await mkdir(path.join(REPO, '.data'), { recursive: true });
  const dir = await mkdtemp(path.join(REPO, '.data', 'new-subgraph-'));
  for (const file of ['supergraph.yaml', 'codegen.ts', 'tsconfig.base.json']) await copyFile(path.join(REPO, file), path.join(dir, file));
  // Only the schemas of the existing subgraphs (composition needs them); without their codegen.json,
  // codegen in the copy generates the new subgraph alone.
  for (const name of await readdir(path.join(REPO, 'subgraphs'))) {
    const schema = path.join(REPO, 'subgraphs', name, 'src', 'schema.graphql');
    if (!existsSync(schema)) continue;
    await mkdir(path.join(dir, 'subgraphs', name, 'src'), { recursive: true });
    await copyFile(schema, path.join(dir, 'subgraphs', name, 'src', 'schema.graphql'));
  }
  // The root vitest config, with the test kit's global setup (the database server) by absolute path.
  await writeFile(
    path.join(dir, 'vitest.config.ts'),
    `import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
const require = createRequire(import.meta.url);
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['subgraphs/*/test/**/*.test.ts'],
    globalSetup: [${JSON.stringify(path.join(REPO, 'packages/testkit/src/global-setup.ts'))}],
    pool: 'forks',
    env: { NODE_ENV: 'test', LOG_LEVEL: 'error' },
  },
});
`,
  );
  return dir;
}

/** Runs a workspace binary; resolves with its exit code and output. */
function run(bin: string, args: readonly string[], cwd: string): Promise<{ code: number | null; output: string }> {
  // A vitest started from inside a vitest worker must not think it is that worker.
  // It uses this run's database server rather than starting an embedded one of its own in the scratch folder.
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST'))),
    NO_COLOR: '1',
    TEST_DATABASE_URL: inject('adminDatabaseUrl'),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(BIN, bin), args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function generate(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runNewSubgraph(
    [...argv, '--root', root],
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, out, err };
}

beforeAll(async () => {
  root = await scratchCopy();
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

// The steps build on each other: generate, then codegen + typecheck, compose, and its own tests.
describe('npm run new:subgraph', { timeout: 180_000 }, () => {
  test('scaffolds the one layout and lists the subgraph in supergraph.yaml on the next free port', async () => {
    const { code, out, err } = await generate(NAME);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('createScratchNotesSubgraph(readScratchNotesConfig(');
    const dir = path.join(root, 'subgraphs', NAME);
    for (const file of [
      'package.json',
      'tsconfig.json',
      'codegen.json',
      'src/index.ts',
      'src/main.ts',
      'src/config.ts',
      'src/context.ts',
      'src/loaders.ts',
      'src/schema.graphql',
      'src/schema.ts',
      'src/resolvers/index.ts',
      'src/resolvers/query.ts',
      'src/resolvers/mutation.ts',
      'src/resolvers/note.ts',
      'src/domain/note-service.ts',
      'src/db/types.ts',
      'src/db/note-repository.ts',
      'src/db/migrations/index.ts',
      'test/support/fixtures.ts',
      'test/notes.test.ts',
    ]) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    const migrations = await readdir(path.join(dir, 'src/db/migrations'));
    expect(migrations.filter((f) => /^\d{4}_\d{2}_\d{2}_0001_notes\.ts$/.test(f))).toHaveLength(1);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe(`@platform/${NAME}`);
    const written = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(written.map((e) => e.name).filter((name) => /\{\{|\.tpl$/.test(name))).toEqual([]);
    for (const file of written) expect(await readFile(path.join(file.parentPath, file.name), 'utf8'), file.name).not.toMatch(/\{\{\w+\}\}/);

    const sources = await readSupergraphConfig(path.join(root, 'supergraph.yaml'));
    expect(sources.at(-1)).toEqual({ name: NAME, routingUrl: 'http://127.0.0.1:4007/graphql', schemaFile: path.join(dir, 'src/schema.graphql') });
    // The real tree is untouched.
    expect(existsSync(path.join(REPO, 'subgraphs', NAME))).toBe(false);
    expect(await readFile(path.join(REPO, 'supergraph.yaml'), 'utf8')).not.toContain(NAME);
  });

  test('refuses an existing name, a malformed name, and a port already taken', async () => {
    expect(await generate(NAME)).toMatchObject({ code: 1, err: [`subgraphs/${NAME} already exists`] });
    expect(await generate('vms')).toMatchObject({ code: 1, err: ['subgraphs/vms already exists'] });
    for (const bad of ['Billing', 'help_desk', '9lives', 'a--b', 'trailing-']) {
      const { code, err } = await generate(bad);
      expect(code, bad).toBe(1);
      expect(err[0]).toContain('is not a subgraph name');
    }
    expect(await generate('other', '--port', '4007')).toMatchObject({ code: 1, err: ['port 4007 is taken in supergraph.yaml'] });
    expect(existsSync(path.join(root, 'subgraphs', 'other'))).toBe(false);
  });

  test('codegen writes its resolver types and the subgraph typechecks under the strict compiler', async () => {
    const codegen = await run('graphql-codegen', ['--config', 'codegen.ts'], root);
    expect(codegen.code, codegen.output).toBe(0);
    expect(existsSync(path.join(root, 'subgraphs', NAME, 'src/__generated__/resolvers-types.ts'))).toBe(true);
    const tsc = await run('tsc', ['-p', path.join(root, 'subgraphs', NAME, 'tsconfig.json')], root);
    expect(tsc.code, tsc.output).toBe(0);
  });

  test('composes with every other subgraph without errors', async () => {
    const outcome = await composeSupergraph(await readSupergraphConfig(path.join(root, 'supergraph.yaml')));
    expect(outcome.ok ? [] : outcome.errors).toEqual([]);
    expect(outcome.ok && outcome.supergraphSdl).toContain('note(id: ID!): Note! @join__field(graph: SCRATCH_NOTES)');
  });

  test("the generated subgraph's own tests pass against real PostgreSQL and HTTP", async () => {
    const vitest = await run('vitest', ['run', '--root', root], root);
    expect(vitest.code, vitest.output).toBe(0);
    expect(vitest.output).toMatch(/Tests\s+5 passed/);
  });
});
