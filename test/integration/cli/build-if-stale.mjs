// Compiles the project (tsc -p .) when a source file is newer than dist/src/cli/main.js, so the
// CLI tests, which run `node bin/gregor.js` from dist/, test the current sources. Run under a lock
// (see cli-helpers.ts) so parallel test files build once. A type error elsewhere in the tree does
// not stop tsc from emitting; only a missing dist/src/cli/main.js afterwards is a failure.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
const target = join(root, 'dist/src/cli/main.js');

function newest(dir) {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) max = Math.max(max, newest(p));
    else if (e.name.endsWith('.ts')) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

const stale = !existsSync(target) || newest(join(root, 'src')) > statSync(target).mtimeMs;
if (stale) {
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    process.stderr.write(`tsc reported errors (output still emitted):\n${err.stdout ?? ''}`);
  }
  if (!existsSync(target)) {
    process.stderr.write(`build failed: ${target} is missing\n`);
    process.exit(1);
  }
}
