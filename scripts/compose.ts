/**
 * `npm run compose`: composes the subgraphs listed in supergraph.yaml (Rover's format) into
 * schema/supergraph.graphql. `--check` composes without writing and fails when the committed file
 * is stale. Options: --config PATH (default supergraph.yaml), --out PATH (default
 * schema/supergraph.graphql), --hints (list composition hints, not only count them).
 *
 *   federation_version: 2
 *   subgraphs:
 *     identity:
 *       routing_url: http://127.0.0.1:4001/graphql
 *       schema:
 *         file: ./subgraphs/identity/src/schema.graphql
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { composeServices } from '@apollo/composition';
import { type GraphQLError, parse, type DocumentNode } from 'graphql';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CONFIG = path.join(ROOT, 'supergraph.yaml');
export const DEFAULT_OUTPUT = path.join(ROOT, 'schema', 'supergraph.graphql');

export interface SubgraphSource {
  readonly name: string;
  readonly routingUrl: string;
  /** Absolute path (relative paths in the YAML are resolved from the YAML file's directory). */
  readonly schemaFile: string;
}

export type ComposeOutcome =
  { readonly ok: true; readonly supergraphSdl: string; readonly hints: readonly string[] } | { readonly ok: false; readonly errors: readonly string[] };

/** A mistake in supergraph.yaml or a subgraph file: reported as one line, naming where. */
export class ComposeConfigError extends Error {}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Reads and checks the Rover-format config. Only `schema.file` sources are supported (no introspection at compose time). */
export async function readSupergraphConfig(configPath: string): Promise<SubgraphSource[]> {
  let raw: unknown;
  try {
    raw = YAML.parse(await readFile(configPath, 'utf8'));
  } catch (error) {
    throw new ComposeConfigError(`${configPath}: ${(error as Error).message}`);
  }
  if (!isRecord(raw)) throw new ComposeConfigError(`${configPath}: expected a mapping with federation_version and subgraphs`);
  const version = raw['federation_version'];
  if (version !== undefined && !/^=?2(\.|$)/.test(String(version))) {
    throw new ComposeConfigError(`${configPath}: federation_version must be 2 (Federation 2), got "${String(version)}"`);
  }
  const subgraphs = raw['subgraphs'];
  if (!isRecord(subgraphs) || Object.keys(subgraphs).length === 0) {
    throw new ComposeConfigError(`${configPath}: subgraphs must list at least one subgraph`);
  }
  const dir = path.dirname(configPath);
  return Object.entries(subgraphs).map(([name, entry]) => {
    const where = `${configPath}: subgraphs.${name}`;
    if (!NAME.test(name)) throw new ComposeConfigError(`${where}: a subgraph name must be letters, digits, '-' or '_'`);
    if (!isRecord(entry)) throw new ComposeConfigError(`${where}: expected routing_url and schema`);
    const routingUrl = entry['routing_url'];
    if (typeof routingUrl !== 'string' || !isHttpUrl(routingUrl)) {
      throw new ComposeConfigError(`${where}.routing_url must be an http(s) URL`);
    }
    const schema = entry['schema'];
    const file = isRecord(schema) ? schema['file'] : undefined;
    if (typeof file !== 'string' || file === '') {
      throw new ComposeConfigError(`${where}.schema.file must name the subgraph's SDL file (other Rover sources are not supported)`);
    }
    return { name, routingUrl, schemaFile: path.resolve(dir, file) };
  });
}

/** Composes the subgraphs; composition errors come back as lines, never thrown. */
export async function composeSupergraph(sources: readonly SubgraphSource[]): Promise<ComposeOutcome> {
  const services: { name: string; url: string; typeDefs: DocumentNode }[] = [];
  for (const source of sources) {
    let text: string;
    try {
      text = await readFile(source.schemaFile, 'utf8');
    } catch (error) {
      throw new ComposeConfigError(`subgraph ${source.name}: cannot read ${source.schemaFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      services.push({ name: source.name, url: source.routingUrl, typeDefs: parse(text) });
    } catch (error) {
      return { ok: false, errors: [`[${source.name}] ${source.schemaFile}: ${(error as Error).message}`] };
    }
  }
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map(describe) };
  const sdl = result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`;
  return { ok: true, supergraphSdl: sdl, hints: result.hints.map((h) => `[${h.definition.code}] ${h.message}`) };
}

function describe(error: GraphQLError): string {
  const code = error.extensions['code'];
  return typeof code === 'string' ? `[${code}] ${error.message}` : error.message;
}

interface CliOptions {
  readonly check: boolean;
  readonly listHints: boolean;
  readonly config: string;
  readonly out: string;
}

function parseArgs(argv: readonly string[]): CliOptions {
  let check = false;
  let listHints = false;
  let config = DEFAULT_CONFIG;
  let out = DEFAULT_OUTPUT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') check = true;
    else if (arg === '--hints') listHints = true;
    else if (arg === '--config' || arg === '--out') {
      const value = argv[++i];
      if (!value) throw new ComposeConfigError(`${arg} needs a path`);
      if (arg === '--config') config = path.resolve(value);
      else out = path.resolve(value);
    } else {
      throw new ComposeConfigError(`unknown option ${arg} (usage: compose [--check] [--hints] [--config PATH] [--out PATH])`);
    }
  }
  return { check, listHints, config, out };
}

/** The CLI: returns the exit code (0 ok, 1 composition errors, a bad config, or a stale file under --check). */
export async function runCompose(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  try {
    const options = parseArgs(argv);
    const sources = await readSupergraphConfig(options.config);
    const outcome = await composeSupergraph(sources);
    if (!outcome.ok) {
      err(`composition failed with ${outcome.errors.length} error(s):`);
      for (const line of outcome.errors) err(`  ${line}`);
      return 1;
    }
    out(`composed ${sources.length} subgraph(s): ${sources.map((s) => s.name).join(', ')}; ${outcome.hints.length} composition hint(s)`);
    if (options.listHints) for (const hint of outcome.hints) out(`  ${hint}`);
    const relativeOut = path.relative(process.cwd(), options.out) || options.out;
    if (options.check) {
      const committed = await readFile(options.out, 'utf8').catch(() => undefined);
      if (committed !== outcome.supergraphSdl) {
        err(`${relativeOut} is stale: run npm run compose`);
        return 1;
      }
      out(`${relativeOut} is up to date`);
      return 0;
    }
    await mkdir(path.dirname(options.out), { recursive: true });
    await writeFile(options.out, outcome.supergraphSdl);
    out(`wrote ${relativeOut}`);
    return 0;
  } catch (error) {
    if (error instanceof ComposeConfigError) {
      err(error.message);
      return 1;
    }
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await runCompose(
    process.argv.slice(2),
    (line) => console.log(line),
    (line) => console.error(line),
  );
}
