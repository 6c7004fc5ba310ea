/**
 * Preloaded into a `gregor start` child (node --require) by the CLI tests: when the broker writes
 * its "Gregor started" line to stdout, reports on stderr how many SIGTERM / SIGINT listeners the
 * process has at that moment. Whoever waits for that line may signal at once, so the handlers
 * must already be there.
 */
'use strict';
const fs = require('node:fs');

const writeSync = fs.writeSync;
let reported = false;
fs.writeSync = function (fd, data, ...rest) {
  if (!reported && fd === 1 && String(data).includes('"msg":"Gregor started"')) {
    reported = true;
    process.stderr.write(`ready-probe SIGTERM=${process.listenerCount('SIGTERM')} SIGINT=${process.listenerCount('SIGINT')}\n`);
  }
  return writeSync.call(this, fd, data, ...rest);
};
