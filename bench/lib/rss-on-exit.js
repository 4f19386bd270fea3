'use strict';
// Preloaded (NODE_OPTIONS=--require) into every Node.js process of a measured command: on exit,
// appends "<pid> <peak RSS KiB> <argv[1]>" to $BENCH_RSS_FILE. See child.js peakRssMiB().
const fs = require('fs');

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    fs.appendFileSync(file, `${process.pid} ${process.resourceUsage().maxRSS} ${process.argv[1] ?? ''}\n`);
  });
}
