import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's static files, built from app/ by Vite. */
export interface DashboardAssets {
  readonly js: Buffer;
  readonly css: Buffer;
  /** Content hash: the page links `app.js?v=<version>`, so browsers cache the assets until they change. */
  readonly version: string;
}

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP_DIR = path.join(PACKAGE_DIR, 'app');
/** Next to the package (gitignored): a fresh clone builds on first start, later starts reuse the build. */
export const DEFAULT_DASHBOARD_CACHE = path.join(PACKAGE_DIR, '.dashboard-cache');
/** What is bundled: a new version of any of them is a new build. */
const PACKAGES = ['vite', 'react', 'react-dom', 'uplot', 'graphql-ws'];

const building = new Map<string, Promise<DashboardAssets>>();

/**
 * Builds the dashboard with Vite into `<cacheDir>/<key>/`, where the key hashes app/ and the versions of
 * what is bundled: one build per change, shared by every process (written to a temporary directory, then
 * renamed into place, so readers never see half a build). The same pattern as the gateway's explorer.
 */
export function dashboardAssets(cacheDir: string = DEFAULT_DASHBOARD_CACHE): Promise<DashboardAssets> {
  const key = path.resolve(cacheDir);
  let pending = building.get(key);
  if (!pending) {
    pending = buildOrReuse(key);
    building.set(key, pending);
    pending.catch(() => building.delete(key)); // a failed build is tried again on the next request
  }
  return pending;
}

async function buildOrReuse(cacheDir: string): Promise<DashboardAssets> {
  const dir = path.join(cacheDir, await buildKey());
  const cached = await readAssets(dir).catch(() => undefined);
  if (cached) return cached;
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    await viteBuild(tmp);
    await rename(tmp, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished first: keep its build.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return readAssets(dir);
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

async function readAssets(dir: string): Promise<DashboardAssets> {
  const [js, css] = await Promise.all([readFile(path.join(dir, 'app.js')), readFile(path.join(dir, 'app.css'))]);
  return { js, css, version: createHash('sha256').update(js).update(css).digest('hex').slice(0, 16) };
}

async function buildKey(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(fileURLToPath(import.meta.url))); // the build settings are part of the build
  const files = (await readdir(APP_DIR, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) hash.update(path.relative(APP_DIR, file)).update(await readFile(file));
  const require = createRequire(path.join(PACKAGE_DIR, 'package.json'));
  for (const name of PACKAGES) {
    const manifest = JSON.parse(await readFile(require.resolve(`${name}/package.json`), 'utf8')) as { version: string };
    hash.update(`${name}@${manifest.version}`);
  }
  return hash.digest('hex').slice(0, 16);
}
