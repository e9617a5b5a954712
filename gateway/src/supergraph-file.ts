import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '@platform/kernel';

/**
 * The gateway's supergraph source: a file on disk, reloaded when it changes. A new file that does
 * not parse or validate is logged and the schema already loaded keeps serving; the next change is
 * tried again. The directory is watched rather than the file, so an atomic replace (write to a temp
 * file, rename over) is seen as well as an in-place write.
 */
export function watchedSupergraphFile(file: string, logger: Logger, debounceMs = 100): SupergraphSdlHook {
  return async ({ update }) => {
    let current = await readFile(file, 'utf8');
    let timer: NodeJS.Timeout | undefined;
    let chain = Promise.resolve();

    const reload = async () => {
      let next: string;
      try {
        next = await readFile(file, 'utf8');
      } catch (error) {
        logger.warn('supergraph file unreadable; keeping the loaded schema', { path: file, error });
        return;
      }
      if (next === current || next.trim() === '') return; // unchanged, or caught between truncate and write
      try {
        update(next); // throws (before touching anything) when the SDL is not a valid supergraph
        current = next;
        logger.info('supergraph reloaded', { path: file });
      } catch (error) {
        logger.error('new supergraph file rejected; keeping the loaded schema', { path: file, error });
      }
    };

    const watcher = fs.watch(path.dirname(file), (_event, name) => {
      if (name !== path.basename(file)) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        chain = chain.then(reload);
      }, debounceMs);
    });
    watcher.on('error', (error) => logger.error('supergraph watcher failed; reloads stopped', { path: file, error }));

    return {
      supergraphSdl: current,
      async cleanup() {
        clearTimeout(timer);
        watcher.close();
        await chain;
      },
    };
  };
}

/** The file's text, or undefined when it does not exist (yet). */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
