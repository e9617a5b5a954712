/**
 * `npm run new:subgraph -- NAME [--port N] [--root DIR]`: scaffolds subgraphs/NAME in the one subgraph
 * layout from scripts/templates/subgraph (files ending in .tpl, placeholders written {{like_this}}),
 * with a tenancy-scoped example entity (Note) and its tests, and adds it to supergraph.yaml with the
 * next free port from 4007. codegen.ts finds the new subgraph by its codegen.json, so it needs no edit.
 * --root writes into another copy of the repository (the generator's own test uses a scratch one).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML from 'yaml';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TEMPLATES = path.join(HERE, 'templates', 'subgraph');
const REPO_ROOT = path.resolve(HERE, '..');
/** 4000 is the gateway, 4001–4005 the subgraphs, 4006 is kept for billing (DESIGN §3). */
const FIRST_FREE_PORT = 4007;
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** A refusal: printed as one line, exit code 1. */
export class NewSubgraphError extends Error {}

export interface NewSubgraphOptions {
  readonly name: string;
  readonly port?: number;
  readonly root?: string;
  /** Names the first migration; default today. */
  readonly date?: Date;
}

export interface NewSubgraphResult {
  readonly dir: string;
  /** The PascalCase name: create<Name>Subgraph, read<Name>Config. */
  readonly typeName: string;
  readonly port: number;
  readonly files: readonly string[];
}

export async function newSubgraph(options: NewSubgraphOptions): Promise<NewSubgraphResult> {
  const { name } = options;
  const root = path.resolve(options.root ?? REPO_ROOT);
  if (!NAME.test(name)) throw new NewSubgraphError(`"${name}" is not a subgraph name: lower-case letters, digits and single hyphens, starting with a letter`);
  const dir = path.join(root, 'subgraphs', name);
  if (existsSync(dir)) throw new NewSubgraphError(`subgraphs/${name} already exists`);
  const configPath = path.join(root, 'supergraph.yaml');
  const supergraph = YAML.parseDocument(await readFile(configPath, 'utf8'));
  const listed = supergraph.get('subgraphs');
  if (!YAML.isMap(listed)) throw new NewSubgraphError(`${configPath}: no subgraphs mapping`);
  if (listed.has(name)) throw new NewSubgraphError(`supergraph.yaml already lists a subgraph "${name}"`);
  const port = choosePort(usedPorts(listed.toJSON() as Record<string, { routing_url?: unknown }>), options.port);

  const values = placeholders(name, port, options.date ?? new Date());
  const files: string[] = [];
  for (const template of await templateFiles(TEMPLATES)) {
    const relative = fill(path.relative(TEMPLATES, template), values).replace(/\.tpl$/, '');
    const target = path.join(dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, fill(await readFile(template, 'utf8'), values));
    files.push(relative);
  }

  const entry = { routing_url: `http://127.0.0.1:${port}/graphql`, schema: { file: `./subgraphs/${name}/src/schema.graphql` } };
  supergraph.setIn(['subgraphs', name], supergraph.createNode(entry));
  await writeFile(configPath, supergraph.toString());
  return { dir, typeName: values['Name']!, port, files: files.sort() };
}

function usedPorts(subgraphs: Record<string, { routing_url?: unknown }>): Set<number> {
  const ports = new Set<number>([4000]);
  for (const entry of Object.values(subgraphs)) {
    const port = typeof entry?.routing_url === 'string' ? /^https?:\/\/[^/]+:(\d+)/.exec(entry.routing_url)?.[1] : undefined;
    if (port) ports.add(Number(port));
  }
  return ports;
}

function choosePort(used: ReadonlySet<number>, wanted: number | undefined): number {
  if (wanted !== undefined) {
    if (!Number.isInteger(wanted) || wanted < 1024 || wanted > 65535) throw new NewSubgraphError(`--port must be an integer from 1024 to 65535, got ${wanted}`);
    if (used.has(wanted)) throw new NewSubgraphError(`port ${wanted} is taken in supergraph.yaml`);
    return wanted;
  }
  let port = FIRST_FREE_PORT;
  while (used.has(port)) port += 1;
  return port;
}

/** help-desk → HelpDesk, helpDesk, help_desk; the first migration is named by date. */
function placeholders(name: string, port: number, date: Date): Record<string, string> {
  const words = name.split('-');
  const Name = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  const day = date.toISOString().slice(0, 10).replaceAll('-', '_');
  return {
    name,
    Name,
    camelName: Name.charAt(0).toLowerCase() + Name.slice(1),
    snake_name: words.join('_'),
    port: String(port),
    migration: `${day}_0001_notes`,
  };
}

function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template placeholder ${whole} has no value`);
    return value;
  });
}

async function templateFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.tpl')).map((e) => path.join(e.parentPath, e.name));
}

function parseArgs(argv: readonly string[]): NewSubgraphOptions {
  let name: string | undefined;
  let port: number | undefined;
  let root: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--port' || arg === '--root') {
      const value = argv[++i];
      if (value === undefined) throw new NewSubgraphError(`${arg} needs a value`);
      if (arg === '--port') port = /^\d+$/.test(value) ? Number(value) : NaN;
      else root = value;
    } else if (arg.startsWith('-') || name !== undefined) {
      throw new NewSubgraphError(`unexpected ${arg} (usage: npm run new:subgraph -- NAME [--port N] [--root DIR])`);
    } else {
      name = arg;
    }
  }
  if (name === undefined) throw new NewSubgraphError('usage: npm run new:subgraph -- NAME [--port N] [--root DIR]');
  return { name, port, root };
}

/** The CLI: returns the exit code. */
export async function runNewSubgraph(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  try {
    const options = parseArgs(argv);
    const result = await newSubgraph(options);
    const { name } = options;
    const shown = path.relative(process.cwd(), result.dir) || result.dir;
    out(`created ${shown} (${result.files.length} files), listed in supergraph.yaml on port ${result.port}`);
    const Name = result.typeName;
    const steps = [
      'npm install   (links @platform/' + name + ' into the workspace)',
      'npm run codegen && npm run compose   (resolver types; schema/supergraph.graphql)',
      `npx vitest run subgraphs/${name}   (the example tests pass as generated)`,
      'rename the example Note to your entity (schema.graphql, codegen.json mappers, domain/, db/, resolvers/, test/)',
      `wire it into apps/platform/src/start-platform.ts: add '${name}' to SUBGRAPHS, CALLING_SERVICES and Platform, start it with\n` +
        `       create${Name}Subgraph(read${Name}Config({ ...common('${name}'), JWKS_URL: jwksUrl }), depsFor('${name}', ['tenancy:read']))\n` +
        `     and add it to urls; its port ${result.port} to scripts/start.ts; @platform/${name} to apps/platform/package.json`,
      `list '${name}' with its scopes (tenancy:read) in SERVICE_SCOPES, subgraphs/identity/src/domain/service-tokens.ts`,
      'its events: topics in packages/events/src/contracts.ts; then npm run typecheck && npm run check:generated && npm test',
    ];
    out('');
    out('Next:');
    steps.forEach((step, i) => out(`  ${i + 1}. ${step}`));
    out('See CONTRIBUTING.md, "Adding a subgraph".');
    return 0;
  } catch (error) {
    if (error instanceof NewSubgraphError) {
      err(error.message);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await runNewSubgraph(
    process.argv.slice(2),
    (line) => console.log(line),
    (line) => console.error(line),
  );
}
