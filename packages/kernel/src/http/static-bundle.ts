import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** A browser app's static files: one script and one stylesheet. */
export interface StaticBundle {
  readonly js: Buffer;
  readonly css: Buffer;
  /** Content hash: pages link `app.js?v=<version>`, so browsers cache the files until they change. */
  readonly version: string;
}

export interface StaticBundleSpec {
  /** Where builds are kept (gitignored), one folder per build key. */
  readonly cacheDir: string;
  /** The folder the sources' names are taken relative to, and packages are resolved from. */
  readonly packageDir: string;
  /** Every file whose content makes a new build: the sources, and the file holding the build settings. */
  readonly sources: () => Promise<readonly string[]>;
  /** The packages bundled or building: a new version of any of them makes a new build. */
  readonly packages: readonly string[];
  /** Writes app.js and app.css into `outDir`. */
  readonly build: (outDir: string) => Promise<void>;
}

const building = new Map<string, Promise<StaticBundle>>();

/**
 * A browser app built once per change into `<cacheDir>/<key>/`, where the key hashes the sources and
 * the versions of what is bundled. A fresh clone builds on first use; later starts, and every other
 * process, reuse the build. It is written to a temporary folder and renamed into place, so a reader
 * never sees half a build; a failed build is tried again on the next call.
 */
export function staticBundle(spec: StaticBundleSpec): Promise<StaticBundle> {
  const key = path.resolve(spec.cacheDir);
  let pending = building.get(key);
  if (!pending) {
    pending = buildOrReuse(spec);
    building.set(key, pending);
    pending.catch(() => building.delete(key));
  }
  return pending;
}

async function buildOrReuse(spec: StaticBundleSpec): Promise<StaticBundle> {
  const dir = path.join(spec.cacheDir, await buildKey(spec));
  const cached = await readBundle(dir).catch(() => undefined);
  if (cached) return cached;
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    await spec.build(tmp);
    await rename(tmp, dir).catch((error: NodeJS.ErrnoException) => {
      // Another process finished first: keep its build.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return readBundle(dir);
}

async function readBundle(dir: string): Promise<StaticBundle> {
  const [js, css] = await Promise.all([readFile(path.join(dir, 'app.js')), readFile(path.join(dir, 'app.css'))]);
  return { js, css, version: createHash('sha256').update(js).update(css).digest('hex').slice(0, 16) };
}

async function buildKey(spec: StaticBundleSpec): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...(await spec.sources())].sort()) hash.update(path.relative(spec.packageDir, file)).update(await readFile(file));
  const require = createRequire(path.join(spec.packageDir, 'package.json'));
  for (const name of spec.packages) {
    const manifest = JSON.parse(await readFile(require.resolve(`${name}/package.json`), 'utf8')) as { version: string };
    hash.update(`${name}@${manifest.version}`);
  }
  return hash.digest('hex').slice(0, 16);
}
