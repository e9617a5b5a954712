/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: NODE_OPTIONS=--require loads it before the service's ESM entry. */
// Loaded with NODE_OPTIONS=--require (Node 20 refuses --cpu-prof there): profiles the process with the
// in-process inspector and writes a .cpuprofile to CPU_PROFILE_DIR when it exits.
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  // Same-thread inspector sessions answer synchronously, so this runs to completion inside 'exit'.
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    const dir = process.env.CPU_PROFILE_DIR || '.';
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `cpu-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
