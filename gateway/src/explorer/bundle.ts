import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { staticBundle, type StaticBundle } from '@platform/kernel';

/** The explorer's static files, built from gateway/explorer/app.tsx. */
export type ExplorerAssets = StaticBundle;

const GATEWAY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP_DIR = path.join(GATEWAY_DIR, 'explorer');
/** Next to the package (gitignored): a fresh clone builds it on first use, later starts reuse it. */
export const DEFAULT_EXPLORER_CACHE = path.join(GATEWAY_DIR, '.explorer-cache');
const SOURCES = [
  path.join(APP_DIR, 'app.tsx'),
  path.join(APP_DIR, 'explorer.css'),
  path.join(GATEWAY_DIR, 'src', 'explorer', 'examples.ts'),
  fileURLToPath(import.meta.url), // the build settings are part of the build
];
const PACKAGES = ['graphiql', '@graphiql/react', '@graphiql/toolkit', 'react', 'react-dom', 'graphql', 'graphql-ws', 'esbuild'];

/** The explorer bundled by esbuild (its binary comes from npm), once per change (kernel staticBundle). */
export function explorerAssets(cacheDir: string = DEFAULT_EXPLORER_CACHE): Promise<ExplorerAssets> {
  return staticBundle({ cacheDir, packageDir: GATEWAY_DIR, sources: async () => SOURCES, packages: PACKAGES, build: esbuildBundle });
}

async function esbuildBundle(outdir: string): Promise<void> {
  const { build } = await import('esbuild');
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
    outdir,
    logLevel: 'silent',
  });
}
