import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { staticBundle, type StaticBundleSpec } from '../src/http/static-bundle.ts';

const KERNEL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let links = 0;
/** The same folder under a new name: staticBundle keeps one build per name in memory, as one process does. */
const linkTo = (dir: string): string => {
  const link = `${dir}-link-${(links += 1)}`;
  mkdirSync(dir, { recursive: true });
  symlinkSync(dir, link);
  return link;
};

/** A build that writes the source's text into app.js and counts its runs. */
function fixture() {
  const dir = mkdtempSync(path.join(tmpdir(), 'static-bundle-'));
  const source = path.join(dir, 'app.txt');
  writeFileSync(source, 'one');
  let builds = 0;
  let failNext = false;
  const spec = (cacheDir: string): StaticBundleSpec => ({
    cacheDir,
    packageDir: KERNEL_DIR,
    sources: async () => [source],
    packages: ['pg'],
    build: async (outDir) => {
      builds += 1;
      if (failNext) {
        failNext = false;
        throw new Error('build failed');
      }
      const { readFile } = await import('node:fs/promises');
      await writeFile(path.join(outDir, 'app.js'), `js:${await readFile(source, 'utf8')}`);
      await writeFile(path.join(outDir, 'app.css'), 'css');
    },
  });
  return { dir, source, spec, builds: () => builds, failOnce: () => (failNext = true) };
}

test('concurrent callers share one build; another process (a fresh memo) reuses the cached folder', async () => {
  const f = fixture();
  const cache = path.join(f.dir, 'cache');
  const [a, b] = await Promise.all([staticBundle(f.spec(cache)), staticBundle(f.spec(cache))]);
  expect(f.builds()).toBe(1);
  expect(a.js.toString()).toBe('js:one');
  expect(b).toBe(a);
  // The same folder by another name is a new memo entry, as in another process: the build on disk is reused.
  const again = await staticBundle(f.spec(linkTo(cache)));
  expect(f.builds()).toBe(1);
  expect(again.version).toBe(a.version);
  expect(readdirSync(cache)).toHaveLength(1); // no temporary folder left behind
});

test('a changed source is a new build with a new version; a failed build is tried again on the next call', async () => {
  const f = fixture();
  const cache = path.join(f.dir, 'cache');
  const first = await staticBundle(f.spec(cache));
  writeFileSync(f.source, 'two');
  const fresh = linkTo(cache); // a new memo entry, as a restarted process would have
  f.failOnce();
  await expect(staticBundle(f.spec(fresh))).rejects.toThrow('build failed');
  const second = await staticBundle(f.spec(fresh));
  expect(f.builds()).toBe(3);
  expect(second.js.toString()).toBe('js:two');
  expect(second.version).not.toBe(first.version);
  expect(readdirSync(cache)).toHaveLength(2); // one folder per build key, no temporary ones
});
