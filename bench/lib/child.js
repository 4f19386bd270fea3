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
 * its own peak RSS and CPU time to the file named by BENCH_RSS_FILE, and commandUsage() reads them.
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

/**
 * What the Node.js processes of a command wrote into the file (see rss-on-exit.js): the largest
 * peak RSS (MiB) and their CPU time together (user + system, ms).
 */
function commandUsage(file) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const rows = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(' ').map(Number));
  if (rows.length === 0) throw new Error(`no process wrote its usage to ${file}: was ${RSS_PRELOAD} preloaded?`);
  return {
    rssMiB: Math.round((Math.max(...rows.map((r) => r[1])) / 1024) * 10) / 10,
    cpuMs: Math.round(rows.reduce((n, r) => n + r[2], 0) / 100) / 10,
  };
}

module.exports = { MARKER, msSince, report, parseResult, rssMiB, cpuMs, commandUsage, RSS_PRELOAD };
