import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { staticBundle, type StaticBundle } from '@platform/kernel';

/** The dashboard's static files, built from app/ by Vite. */
export type DashboardAssets = StaticBundle;

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP_DIR = path.join(PACKAGE_DIR, 'app');
/** Next to the package (gitignored): a fresh clone builds on first start, later starts reuse the build. */
export const DEFAULT_DASHBOARD_CACHE = path.join(PACKAGE_DIR, '.dashboard-cache');

/** Every file under app/, and this file (the build settings are part of the build). */
const sources = async () => [
  fileURLToPath(import.meta.url),
  ...(await readdir(APP_DIR, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name)),
];

/** The dashboard built by Vite, once per change (kernel staticBundle, as the gateway's explorer). */
export function dashboardAssets(cacheDir: string = DEFAULT_DASHBOARD_CACHE): Promise<DashboardAssets> {
  return staticBundle({ cacheDir, packageDir: PACKAGE_DIR, sources, packages: ['vite', 'react', 'react-dom', 'uplot', 'graphql-ws'], build: viteBuild });
}

/** One entry, one script and one stylesheet with fixed names (the gateway routes exact paths). */
async function viteBuild(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: APP_DIR,
    base: '/dashboard/',
    mode: 'production',
    logLevel: 'warn',
    // React's production build whatever NODE_ENV the building process has (vitest sets "test").
    define: { 'process.env.NODE_ENV': '"production"' },
    esbuild: { jsx: 'automatic', jsxDev: false },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2020',
      cssCodeSplit: false,
      reportCompressedSize: false,
      rollupOptions: {
        input: path.join(APP_DIR, 'main.tsx'),
        output: { entryFileNames: 'app.js', assetFileNames: 'app[extname]', inlineDynamicImports: true },
      },
    },
  });
}
