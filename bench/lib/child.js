'use strict';
/*
 * Measurement helpers shared by the bench scripts and the orchestrator (bench/run.js).
 *
 * A measured child prints exactly one result line, `BENCH-RESULT {json}`, as its last line on
 * stdout (report()); the orchestrator finds it with parseResult(). The child's peak RSS comes from
 * process.resourceUsage().maxRSS (KiB on Linux) at the time of the report.
 *
 * For commands that are not our scripts (`npm run synth`, which starts npm, a shell and node),
 * rss-on-exit.js is preloaded through NODE_OPTIONS: every Node.js process of the command appends
 * its own peak RSS to the file named by BENCH_RSS_FILE, and peakRssMiB() reads the largest.
 */
const fs = require('fs');
const path = require('path');

const MARKER = 'BENCH-RESULT ';

/** Milliseconds since a process.hrtime.bigint() timestamp. */
function msSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function rssMiB() {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** CPU time of this process so far (user + system, every thread: JIT, GC helpers), in ms. */
function cpuMs() {
  const u = process.cpuUsage();
  return Math.round((u.user + u.system) / 100) / 10;
}

/** Prints the result line (with this process's peak RSS and CPU time added). */
function report(result) {
  process.stdout.write(`\n${MARKER}${JSON.stringify({ ...result, rssMiB: rssMiB(), cpuMs: cpuMs() })}\n`);
}

/** The result a child reported, or undefined when it printed none. */
function parseResult(stdout) {
  const line = String(stdout)
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(MARKER));
  return line === undefined ? undefined : JSON.parse(line.slice(MARKER.length));
}

const RSS_PRELOAD = path.join(__dirname, 'rss-on-exit.js');

/** The largest peak RSS any process of a command wrote into the file (see rss-on-exit.js). */
function peakRssMiB(file) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const values = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => Number(l.split(' ')[1]));
  if (values.length === 0) throw new Error(`no process wrote its peak RSS to ${file}: was ${RSS_PRELOAD} preloaded?`);
  return Math.round((Math.max(...values) / 1024) * 10) / 10;
}

module.exports = { MARKER, msSince, report, parseResult, rssMiB, cpuMs, peakRssMiB, RSS_PRELOAD };
