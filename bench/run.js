#!/usr/bin/env node
'use strict';
/*
 * `npm run bench`: what a user waits for, measured against the frameworks' own floor.
 *
 * Every measurement is a separate process; wall time is measured here around the whole command
 * (npm, shell and Node.js start-up included), peak RSS is the largest of the command's Node.js
 * processes (bench/lib/rss-on-exit.js, preloaded into all of them alike). Repetitions are
 * interleaved (every variant once per round, the order rotating), min and median are reported.
 *
 * Reference platform (3 environments), per round:
 *   floor           node bench/floor.js: bare cdk8s + cdktf, the same objects, the same files
 *   synth (node)    node -r ./scripts/ts-register.js stacks/main.ts  (warm loader cache)
 *   npm run synth   warm: loader cache filled; cold: empty cache, as on a fresh clone; second: the
 *                   run after a cold one (the V8 code cache writes its data then)
 *   npm run check   warm and cold, on the reference output of prod (and node-only)
 * Scaling: a generated prod environment with n workloads (bench/scale.js), interleaved by size.
 * Policy engine alone on the generated output (bench/policy.js).
 *
 *   node bench/run.js [--reps 7] [--scale-reps 3] [--sizes 100,1000,2000,5000] [--no-write]
 *   node bench/run.js --quick     (CI: every variant once on small sizes; no timing thresholds)
 *
 * Both modes check that the benchmark reproduces its outputs: every synth run writes exactly the
 * committed dist/ and the same Terraform JSON, the floor writes the same amount (within 1%), the
 * scaling runs of one size write identical files, and the committed bench/results.md is the
 * rendering of bench/results.json. The full mode writes bench/results.json and bench/results.md
 * and exits 1 if a threshold of issue 11 is missed.
 */
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { commandUsage, parseResult, RSS_PRELOAD } = require('./lib/child');
const { markdown } = require('./lib/report');

const ROOT = path.resolve(__dirname, '..');
const BENCH = __dirname;
const RESULTS_JSON = path.join(BENCH, 'results.json');
const RESULTS_MD = path.join(BENCH, 'results.md');

const THRESHOLDS = {
  npmSynthWarm: 1.5,
  npmSynthCold: 2,
  nodeSynth: 1.3,
  ms1000: 5_000,
  ms5000: 20_000,
  rssMiB: 1024,
  marginalFlatness: 1.2,
};

function parseArgs(argv) {
  const o = { reps: 7, scaleReps: 3, sizes: [100, 1000, 2000, 5000], policySize: 1000, write: true, quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reps') o.reps = positive(argv[++i], a);
    else if (a === '--scale-reps') o.scaleReps = positive(argv[++i], a);
    else if (a === '--sizes') o.sizes = String(argv[++i]).split(',').map((s) => positive(s, a));
    else if (a === '--no-write') o.write = false;
    else if (a === '--quick' || a === '--ci') Object.assign(o, { quick: true, reps: 1, scaleReps: 2, sizes: [10, 50], policySize: 50, write: false });
    else throw new Error(`unknown argument '${a}': use --reps <n>, --scale-reps <n>, --sizes <n,n,...>, --no-write, --quick`);
  }
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  if (!o.sizes.includes(o.policySize)) o.policySize = o.sizes.filter((n) => n <= 1000).pop() ?? o.sizes[0];
  return o;
}

function positive(v, what) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} needs a positive integer, got '${v}'`);
  return n;
}

const log = (msg) => process.stderr.write(`${msg}\n`);
const rm = (dir) => fs.rmSync(dir, { recursive: true, force: true });
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r0 = (x) => Math.round(x);
const r1 = (x) => Math.round(x * 10) / 10;
const r2 = (x) => Math.round(x * 100) / 100;
const r3 = (x) => Math.round(x * 1000) / 1000;

let work;
const tempDir = (label) => fs.mkdtempSync(path.join(work, `${label}-`));

/**
 * Runs a command as a separate process; returns its wall time, the peak RSS of its largest Node.js
 * process, and what a bench script reported (if any). Throws with the output when it fails.
 */
function measure(label, command, args, env = {}) {
  const rssFile = path.join(work, `rss-${process.hrtime.bigint()}`);
  const nodeOptions = [process.env.NODE_OPTIONS, `--require ${RSS_PRELOAD}`].filter(Boolean).join(' ');
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: nodeOptions, BENCH_RSS_FILE: rssFile, ...env },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 || r.error) {
    throw new Error(`${label} failed (${r.error ? r.error.message : `exit ${r.status}${r.signal ? `, ${r.signal}` : ''}`}): ${command} ${args.join(' ')}\n${r.stderr}\n${r.stdout}`);
  }
  const usage = commandUsage(rssFile);
  rm(rssFile);
  // The command's own figures (RSS, CPU of all its Node.js processes) over what a script reported.
  return { wallMs, ...(parseResult(r.stdout) ?? {}), ...usage, stdout: r.stdout };
}

const node = (label, script, args, env) => measure(label, process.execPath, [script, ...args], env);
const npmRun = (label, script, args, env) => measure(label, process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', script, '--', ...args], env);

/** sha256 over every file under dir (relative path and content), and the total bytes. */
function treeDigest(dir) {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else {
        const content = fs.readFileSync(p);
        bytes += content.length;
        hash.update(`${r}\0`).update(content).update('\0');
      }
    }
  };
  walk(dir, '');
  return { sha256: hash.digest('hex'), bytes };
}

/** What a synth run wrote: dist/ and the Terraform JSON of every stack. */
function synthOutput(out) {
  const dist = treeDigest(path.join(out, 'dist'));
  const stacks = treeDigest(path.join(out, 'cdktf.out', 'stacks'));
  return { dist: dist.sha256, stacks: stacks.sha256, bytes: dist.bytes + stacks.bytes };
}

function main(argv) {
  const opts = parseArgs(argv);
  for (const f of ['floor.js', 'prep.js', 'scale.js', 'policy.js', 'lib/child.js', 'lib/rss-on-exit.js', 'lib/generated-env.js', 'lib/report.js']) {
    if (!fs.existsSync(path.join(BENCH, f))) throw new Error(`bench/${f} is missing: the benchmark needs it`);
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-bench-'));
  const began = Date.now();
  const problems = [];
  try {
    // ---- prep (untimed): the floor's input, the reference output for `npm run check`, a warm loader cache
    const warmCache = path.join(work, 'ts-cache-warm');
    const warm = { DAPR_TS_CACHE: warmCache };
    log('prep: full synth in memory -> floor input; reference output for npm run check');
    const fixture = path.join(work, 'fixture.json');
    const prep = spawnSync(process.execPath, [path.join(BENCH, 'prep.js'), fixture], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...warm } });
    if (prep.status !== 0) throw new Error(`prep failed:\n${prep.stderr}`);
    const prepInfo = JSON.parse(prep.stdout.trim().split('\n').pop());
    const ref = path.join(work, 'ref');
    node('reference synth', '-r', ['./scripts/ts-register.js', 'stacks/main.ts', '--dist', path.join(ref, 'dist'), '--cdktf-out', path.join(ref, 'cdktf.out')], warm);
    const expected = synthOutput(ref);
    const committed = treeDigest(path.join(ROOT, 'dist')).sha256;
    if (expected.dist !== committed) problems.push('a synth in the benchmark does not write the committed dist/ (run `npm run synth` and commit dist/)');
    const checkArgs = [path.join(ref, 'dist', 'prod'), path.join(ref, 'cdktf.out', 'stacks', 'prod'), '--profile', 'prod', '--contract', path.join(ref, 'dist', 'prod.contract.json')];

    // ---- the reference platform: every variant once per round, interleaved, after one discarded warm-up round
    const VARIANTS = {
      floor: (out) => node('floor', path.join(BENCH, 'floor.js'), [fixture, path.join(out, 'dist'), path.join(out, 'cdktf.out')], warm),
      synthNode: (out) => node('synth (node)', '-r', ['./scripts/ts-register.js', 'stacks/main.ts', '--dist', path.join(out, 'dist'), '--cdktf-out', path.join(out, 'cdktf.out')], warm),
      npmSynthWarm: (out) => npmRun('npm run synth (warm)', 'synth', ['--dist', path.join(out, 'dist'), '--cdktf-out', path.join(out, 'cdktf.out')], warm),
      npmSynthCold: (out) => npmRun('npm run synth (cold)', 'synth', ['--dist', path.join(out, 'dist'), '--cdktf-out', path.join(out, 'cdktf.out')], { DAPR_TS_CACHE: path.join(out, 'ts-cache') }),
      // The run after a cold one: the V8 code cache (scripts/code-cache.js) writes its data then.
      npmSynthSecond: (out) => {
        const args = ['--dist', path.join(out, 'dist'), '--cdktf-out', path.join(out, 'cdktf.out')];
        npmRun('npm run synth (first, untimed)', 'synth', args, { DAPR_TS_CACHE: path.join(out, 'ts-cache') });
        return npmRun('npm run synth (second)', 'synth', args, { DAPR_TS_CACHE: path.join(out, 'ts-cache') });
      },
      checkNode: () => node('check (node)', '-r', ['./scripts/ts-register.js', 'constructs/policy/cli.ts', ...checkArgs], warm),
      npmCheckWarm: () => npmRun('npm run check (warm)', 'check', checkArgs, warm),
      npmCheckCold: (out) => npmRun('npm run check (cold)', 'check', checkArgs, { DAPR_TS_CACHE: path.join(out, 'ts-cache') }),
    };
    const names = Object.keys(VARIANTS);
    const runs = Object.fromEntries(names.map((k) => [k, []]));
    const rounds = opts.quick ? 1 : opts.reps + 1;
    for (let i = 0; i < rounds; i++) {
      const order = names.map((_, j) => names[(i + j) % names.length]);
      for (const kind of order) {
        const out = tempDir(kind);
        try {
          const run = VARIANTS[kind](out);
          if (kind.startsWith('floor') || kind.toLowerCase().includes('synth')) {
            run.output = synthOutput(out);
            if (kind !== 'floor' && (run.output.dist !== expected.dist || run.output.stacks !== expected.stacks)) {
              problems.push(`${kind}: the output differs from the reference synth (synth is not deterministic?)`);
            }
            if (kind === 'floor' && Math.abs(run.output.bytes - expected.bytes) > 0.01 * expected.bytes) {
              problems.push(`floor: writes ${run.output.bytes} bytes, synth ${expected.bytes}: more than 1% apart, the floor no longer matches the synth`);
            }
          }
          if (kind.toLowerCase().includes('check') && !/^0 errors,/m.test(run.stdout)) problems.push(`${kind}: the policy check of the reference output did not report 0 errors`);
          delete run.stdout;
          if (opts.quick || i > 0) runs[kind].push(run);
          log(`${opts.quick ? 'quick' : i === 0 ? 'warm-up' : `round ${i}/${opts.reps}`} ${kind.padEnd(13)} ${r0(run.wallMs)} ms wall, ${r1(run.rssMiB)} MiB`);
        } finally {
          rm(out);
        }
      }
    }

    // ---- scaling: generated environments, interleaved by size
    const scaleRuns = new Map(opts.sizes.map((n) => [n, []]));
    for (let i = 1; i <= opts.scaleReps; i++) {
      for (const n of opts.sizes) {
        const run = node(`scale ${n}`, path.join(BENCH, 'scale.js'), [String(n)], warm);
        scaleRuns.get(n).push(run);
        log(`round ${i}/${opts.scaleReps} scale ${String(n).padStart(5)} workloads: ${r0(run.wallMs)} ms wall, ${r1(run.rssMiB)} MiB`);
      }
    }
    for (const [n, rs] of scaleRuns) {
      if (new Set(rs.map((r) => r.sha256)).size !== 1) problems.push(`scale ${n}: repeated runs wrote different files (not deterministic)`);
    }

    // ---- the policy engine alone: in-process on the objects, and through files as `npm run check` reads them
    const docs = path.join(work, `docs-${opts.policySize}.json`);
    const keep = node('scale (policy input)', path.join(BENCH, 'scale.js'), [String(opts.policySize), '--save-docs', docs, '--keep'], warm);
    const policy = [];
    for (let i = 1; i <= opts.scaleReps; i++) {
      policy.push(node('policy', path.join(BENCH, 'policy.js'), [docs], warm));
      log(`round ${i}/${opts.scaleReps} policy (in-process) on ${policy[i - 1].documents} documents: checkDocuments ${r0(policy[i - 1].checkMs)} ms`);
    }
    const policyCli = node('policy --files', path.join(BENCH, 'policy.js'), ['--files', path.join(keep.out, 'dist', 'scale'), path.join(keep.out, 'cdktf.out', 'stacks', 'scale')], warm);
    rm(keep.out);

    const results = summarize(opts, prepInfo, runs, scaleRuns, policy, policyCli);
    results.benchSeconds = r0((Date.now() - began) / 1000);
    const md = markdown(results);
    process.stdout.write(`${md}\n`);

    // ---- the committed results are reproducible from their data
    if (fs.existsSync(RESULTS_JSON)) {
      const committedMd = fs.existsSync(RESULTS_MD) ? fs.readFileSync(RESULTS_MD, 'utf8') : '';
      let rendered;
      try {
        rendered = `${markdown(JSON.parse(fs.readFileSync(RESULTS_JSON, 'utf8')))}\n`;
      } catch (e) {
        problems.push(`bench/results.json does not render (${e.message}): regenerate it with 'npm run bench'`);
      }
      if (rendered !== undefined && committedMd !== rendered) problems.push('bench/results.md is not the rendering of bench/results.json');
    } else if (opts.quick) {
      problems.push('bench/results.json is missing');
    }

    if (opts.write) {
      fs.writeFileSync(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`);
      fs.writeFileSync(RESULTS_MD, `${md}\n`);
      log('wrote bench/results.json and bench/results.md');
    }
    const missed = opts.quick ? [] : Object.entries(results.checks).filter(([, c]) => !c.pass).map(([k]) => k);
    if (problems.length) log(`FAILED (outputs):\n  ${problems.join('\n  ')}`);
    if (missed.length) log(`FAILED (thresholds): ${missed.join(', ')}`);
    if (problems.length || missed.length) process.exitCode = 1;
    else log(opts.quick ? `quick mode: every variant ran and reproduced its outputs (${results.benchSeconds} s)` : `all thresholds met (${results.benchSeconds} s)`);
  } finally {
    rm(work);
  }
}

function stat(rs, key = 'wallMs') {
  const xs = rs.map((r) => r[key]);
  const cpu = rs.map((r) => r.cpuMs);
  return {
    medianMs: r0(median(xs)),
    minMs: r0(Math.min(...xs)),
    cpuMs: r0(median(cpu)),
    minCpuMs: r0(Math.min(...cpu)),
    rssMiB: r1(median(rs.map((r) => r.rssMiB))),
    maxRssMiB: r1(Math.max(...rs.map((r) => r.rssMiB))),
  };
}

function summarize(opts, prepInfo, runs, scaleRuns, policy, policyCli) {
  const ref = Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, stat(rs)]));
  const floor = median(runs.floor.map((r) => r.wallMs));
  const floorMin = Math.min(...runs.floor.map((r) => r.wallMs));
  const ratios = {};
  for (const k of Object.keys(runs)) {
    if (k === 'floor') continue;
    ratios[k] = {
      median: r3(median(runs[k].map((r) => r.wallMs)) / floor),
      min: r3(Math.min(...runs[k].map((r) => r.wallMs)) / floorMin),
      cpu: r3(median(runs[k].map((r) => r.cpuMs)) / median(runs.floor.map((r) => r.cpuMs))),
    };
  }
  const sizes = [...scaleRuns.keys()];
  const scaling = sizes.map((n) => {
    const rs = scaleRuns.get(n);
    const ms = median(rs.map((r) => r.wallMs));
    const phases = {};
    for (const k of Object.keys(rs[0].phases)) phases[k] = r0(median(rs.map((r) => r.phases[k])));
    return {
      workloads: n,
      ms: r0(ms),
      minMs: r0(Math.min(...rs.map((r) => r.wallMs))),
      rssMiB: r1(median(rs.map((r) => r.rssMiB))),
      maxRssMiB: r1(Math.max(...rs.map((r) => r.rssMiB))),
      msPerWorkload: r2(ms / n),
      cpuMs: r0(median(rs.map((r) => r.cpuMs))),
      minCpuMs: r0(Math.min(...rs.map((r) => r.cpuMs))),
      k8sObjects: rs[0].k8sObjects,
      terraformResources: rs[0].terraformResources,
      outputMiB: r1(rs[0].bytes / 1048576),
      phasesMs: phases,
      gcMs: r0(median(rs.map((r) => r.gcMs))),
    };
  });
  // Time per added workload between consecutive sizes (the fixed cost cancels out). The check
  // takes CPU time (user + system, all threads) of the least disturbed run of each size: on a
  // shared machine, wall time also counts the waits for a CPU that other processes hold, and a
  // difference of two noisy figures carries the noise of both. Wall-time figures are kept beside it.
  const marginal = scaling.slice(1).map((s, i) => {
    const p = scaling[i];
    const added = s.workloads - p.workloads;
    return {
      from: p.workloads,
      to: s.workloads,
      cpuMsPerAddedWorkload: r2((s.minCpuMs - p.minCpuMs) / added),
      msPerAddedWorkload: r2((s.minMs - p.minMs) / added),
      msPerAddedWorkloadMedians: r2((s.ms - p.ms) / added),
    };
  });
  const margins = marginal.map((m) => m.cpuMsPerAddedWorkload);
  // Growth: the last segment against the first (super-linear work shows here). Spread: largest
  // against smallest segment (also counts the first segment's extra cost of JIT warm-up).
  const flatness = margins.length > 1 ? r3(margins[margins.length - 1] / margins[0]) : null;
  const spread = margins.length > 1 ? r3(Math.max(...margins) / Math.min(...margins)) : null;
  const at = (n) => scaling.find((s) => s.workloads === n);
  const maxRss = Math.max(...scaling.map((s) => s.maxRssMiB));

  const check = (value, limit, pass) => ({ value, limit, pass });
  const checks = {
    npmSynthWarm: check(ratios.npmSynthWarm.median, THRESHOLDS.npmSynthWarm, ratios.npmSynthWarm.median <= THRESHOLDS.npmSynthWarm),
    npmSynthCold: check(ratios.npmSynthCold.median, THRESHOLDS.npmSynthCold, ratios.npmSynthCold.median <= THRESHOLDS.npmSynthCold),
    nodeSynth: check(ratios.synthNode.median, THRESHOLDS.nodeSynth, ratios.synthNode.median <= THRESHOLDS.nodeSynth),
  };
  if (at(1000)) checks.ms1000 = check(at(1000).ms, THRESHOLDS.ms1000, at(1000).ms < THRESHOLDS.ms1000);
  if (at(5000)) checks.ms5000 = check(at(5000).ms, THRESHOLDS.ms5000, at(5000).ms < THRESHOLDS.ms5000);
  checks.rss = check(maxRss, THRESHOLDS.rssMiB, maxRss < THRESHOLDS.rssMiB);
  if (flatness !== null) checks.marginalFlatness = check(flatness, THRESHOLDS.marginalFlatness, flatness <= THRESHOLDS.marginalFlatness);

  const cpus = os.cpus();
  return {
    mode: opts.quick ? 'quick' : 'full',
    floorMs: r0(floor),
    npmSynthWarmMs: ref.npmSynthWarm.medianMs,
    npmSynthColdMs: ref.npmSynthCold.medianMs,
    nodeSynthMs: ref.synthNode.medianMs,
    ratios,
    reference: { ...ref, environments: prepInfo.environments, k8sObjects: prepInfo.k8sObjects, terraformResources: prepInfo.terraformResources, providerModules: prepInfo.providerModules.length, bytesWritten: runs.synthNode[0].output.bytes, floorBytesWritten: runs.floor[0].output.bytes },
    scaling,
    marginal,
    flatness,
    spread,
    policy: {
      workloads: opts.policySize,
      documents: policy[0].documents,
      checkMs: r0(median(policy.map((r) => r.checkMs))),
      checkMinMs: r0(Math.min(...policy.map((r) => r.checkMs))),
      wallMs: r0(median(policy.map((r) => r.wallMs))),
      rssMiB: r1(median(policy.map((r) => r.rssMiB))),
      parseFilesMs: r0(policyCli.inputMs),
      parseAndCheckWallMs: r0(policyCli.wallMs),
    },
    checks,
    repetitions: { reference: opts.quick ? 1 : opts.reps, scaling: opts.scaleReps, policy: opts.scaleReps },
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', memoryGiB: r1(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}`, loadAverage: os.loadavg().map(r2) },
  };
}

main(process.argv.slice(2));
