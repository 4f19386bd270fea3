'use strict';
// Preloaded (NODE_OPTIONS=--require) into every Node.js process of a measured command: on exit,
// appends "<pid> <peak RSS KiB> <CPU µs> <argv[1]>" to $BENCH_RSS_FILE. See child.js commandUsage().
const fs = require('fs');

const file = process.env.BENCH_RSS_FILE;
// Main threads only: a worker thread (the loader's prefetch) reports the whole process again.
if (file && require('worker_threads').isMainThread) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.appendFileSync(file, `${process.pid} ${u.maxRSS} ${u.userCPUTime + u.systemCPUTime} ${process.argv[1] ?? ''}\n`);
  });
}
