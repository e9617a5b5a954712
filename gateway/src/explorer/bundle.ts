import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The explorer's static files, built from gateway/explorer/app.tsx. */
export interface ExplorerAssets {
  readonly js: Buffer;
  readonly css: Buffer;
  /** Content hash: the page links `app.js?v=<version>`, so browsers cache the assets until they change. */
  readonly version: string;
}

const GATEWAY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP_DIR = path.join(GATEWAY_DIR, 'explorer');
/** Next to the package (gitignored): a fresh clone builds it on first use, later starts reuse it. */
export const DEFAULT_EXPLORER_CACHE = path.join(GATEWAY_DIR, '.explorer-cache');
const SOURCES = [path.join(APP_DIR, 'app.tsx'), path.join(APP_DIR, 'explorer.css'), path.join(GATEWAY_DIR, 'src', 'explorer', 'examples.ts')];
const PACKAGES = ['graphiql', '@graphiql/react', '@graphiql/toolkit', 'react', 'react-dom', 'graphql', 'graphql-ws', 'esbuild'];

const building = new Map<string, Promise<ExplorerAssets>>();

/**
 * Bundles the explorer with esbuild (its binary comes from npm) into `<cacheDir>/<key>/`, where the key
 * hashes the sources and the versions of what is bundled: one build per change, shared by every gateway
 * and test process (written to a temporary directory, then renamed into place, so readers never see half).
 */
export function explorerAssets(cacheDir: string = DEFAULT_EXPLORER_CACHE): Promise<ExplorerAssets> {
  const key = path.resolve(cacheDir);
  let pending = building.get(key);
  if (!pending) {
    pending = buildOrReuse(key);
    building.set(key, pending);
    pending.catch(() => building.delete(key)); // a failed build is tried again on the next request
  }
  return pending;
}

async function buildOrReuse(cacheDir: string): Promise<ExplorerAssets> {
  const key = await buildKey();
  const dir = path.join(cacheDir, key);
  const cached = await readAssets(dir).catch(() => undefined);
  if (cached) return cached;
  const { build } = await import('esbuild');
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    await build({
      entryPoints: { app: path.join(APP_DIR, 'app.tsx') },
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      loader: { '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.png': 'dataurl' },
      legalComments: 'none',
      outdir: tmp,
      logLevel: 'silent',
    });
    await rename(tmp, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished first: keep its build.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return readAssets(dir);
}

async function readAssets(dir: string): Promise<ExplorerAssets> {
  const [js, css] = await Promise.all([readFile(path.join(dir, 'app.js')), readFile(path.join(dir, 'app.css'))]);
  return { js, css, version: createHash('sha256').update(js).update(css).digest('hex').slice(0, 16) };
}

async function buildKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of SOURCES) hash.update(await readFile(file));
  const require = createRequire(path.join(GATEWAY_DIR, 'package.json'));
  for (const name of PACKAGES) {
    const manifest = JSON.parse(await readFile(require.resolve(`${name}/package.json`), 'utf8')) as { version: string };
    hash.update(`${name}@${manifest.version}`);
  }
  return hash.digest('hex').slice(0, 16);
}
