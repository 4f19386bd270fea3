#!/usr/bin/env node
'use strict';
/*
 * `npm run bench` (after `tsc -p tsconfig.build.json`): synth speed, memory and scaling, measured
 * against the frameworks' own floor. Every measurement is a separate Node.js process: wall time is
 * measured here around the whole process (start-up, module loading, synth, writing), peak RSS in
 * the child (process.resourceUsage().maxRSS). Repetitions are interleaved; min and median are
 * reported. Writes bench/results.json and bench/results.md and prints the Markdown table.
 *
 *   node bench/run.js [--reps 7] [--scale-reps 3] [--sizes 10,100,1000] [--no-write]
 *
 * Exits 1 if a threshold of issue 7 is missed (ratio <= 1.5; 1,000 workloads < 10 s and < 1 GiB
 * peak RSS; time per workload at 1,000 <= 1.3x that at 100).
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseResult } = require('./lib/child');

const ROOT = path.resolve(__dirname, '..');
const BENCH = __dirname;

const THRESHOLDS = { ratio: 1.5, largeMs: 10_000, largeRssMiB: 1024, perWorkloadGrowth: 1.3 };

function parseArgs(argv) {
  const o = { reps: 7, scaleReps: 3, sizes: [10, 100, 1000], write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reps') o.reps = positive(argv[++i], a);
    else if (a === '--scale-reps') o.scaleReps = positive(argv[++i], a);
    else if (a === '--sizes') o.sizes = String(argv[++i]).split(',').map((s) => positive(s, a));
    else if (a === '--no-write') o.write = false;
    else throw new Error(`unknown argument '${a}': use --reps <n>, --scale-reps <n>, --sizes <n,n,...>, --no-write`);
  }
  return o;
}

function positive(v, what) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} needs a positive integer, got '${v}'`);
  return n;
}

/** Runs a bench script in its own process; returns its result plus the wall time measured here. */
function measure(script, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(BENCH, script), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const result = r.status === 0 ? parseResult(r.stdout) : undefined;
  if (!result) {
    throw new Error(`${script} ${args.join(' ')} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr || r.stdout}`);
  }
  return { wallMs, ...result };
}

function tempDir(label) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dapr-bench-${label}-`));
}

const rm = (dir) => fs.rmSync(dir, { recursive: true, force: true });
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const min = (xs) => Math.min(...xs);
const max = (xs) => Math.max(...xs);
const r0 = (x) => Math.round(x);
const r1 = (x) => Math.round(x * 10) / 10;
const r2 = (x) => Math.round(x * 100) / 100;
const r3 = (x) => Math.round(x * 1000) / 1000;

function stats(runs, key = 'wallMs') {
  const xs = runs.map((r) => r[key]);
  return { median: median(xs), min: min(xs) };
}

function log(msg) {
  process.stderr.write(`${msg}\n`);
}

function main(argv) {
  const opts = parseArgs(argv);
  const mainJs = path.join(ROOT, 'build', 'stacks', 'main.js');
  if (!fs.existsSync(mainJs)) throw new Error(`${path.relative(ROOT, mainJs)} is missing: compile first (tsc -p tsconfig.build.json), or use 'npm run bench'.`);
  const work = tempDir('work');
  const began = Date.now();
  let keptOutput;
  try {
    // ---- prep (untimed): the floor's input, and the 1,000-workload documents for the policy run
    log('prep: full synth in memory -> floor input');
    const fixture = path.join(work, 'fixture.json');
    const prep = spawnSync(process.execPath, [path.join(BENCH, 'prep.js'), fixture], { cwd: ROOT, encoding: 'utf8' });
    if (prep.status !== 0) throw new Error(`prep failed:\n${prep.stderr}`);
    const prepInfo = JSON.parse(prep.stdout.trim().split('\n').pop());

    // ---- full synth vs floor, interleaved, after one discarded warm-up run of each
    const full = [];
    const floor = [];
    for (let i = 0; i <= opts.reps; i++) {
      for (const kind of i % 2 ? ['floor', 'full'] : ['full', 'floor']) {
        const out = tempDir(kind);
        let run;
        try {
          run =
            kind === 'full'
              ? measure('full-synth.js', [path.join(out, 'dist'), path.join(out, 'cdktf.out')])
              : measure('floor.js', [fixture, path.join(out, 'dist'), path.join(out, 'cdktf.out')]);
        } finally {
          rm(out);
        }
        if (i > 0) (kind === 'full' ? full : floor).push(run);
        log(`${i === 0 ? 'warm-up' : `rep ${i}/${opts.reps}`} ${kind.padEnd(5)} ${r0(run.wallMs)} ms wall, ${r1(run.rssMiB)} MiB`);
      }
    }

    // ---- scaling: generated environments, interleaved by size
    const largest = max(opts.sizes);
    const docs = path.join(work, `docs-${largest}.json`);
    log(`prep: ${largest}-workload output for the policy run (untimed)`);
    const keep = measure('scale.js', [String(largest), '--save-docs', docs, '--keep']);
    keptOutput = keep.out;
    const scaleRuns = new Map(opts.sizes.map((n) => [n, []]));
    for (let i = 1; i <= opts.scaleReps; i++) {
      for (const n of opts.sizes) {
        const run = measure('scale.js', [String(n)]);
        scaleRuns.get(n).push(run);
        log(`rep ${i}/${opts.scaleReps} scale ${String(n).padStart(5)} workloads: ${r0(run.wallMs)} ms wall, ${r1(run.rssMiB)} MiB`);
      }
    }

    // ---- the policy engine alone on the largest output: in-process, and the CLI's parse path once
    const policy = [];
    for (let i = 1; i <= opts.scaleReps; i++) {
      const run = measure('policy.js', [docs]);
      policy.push(run);
      log(`rep ${i}/${opts.scaleReps} policy (in-process) on ${run.documents} documents: checkDocuments ${r0(run.checkMs)} ms`);
    }
    const policyCli = measure('policy.js', ['--files', path.join(keep.out, 'dist', 'scale'), path.join(keep.out, 'cdktf.out', 'stacks', 'scale')]);
    log(`policy (parse files + check) on ${policyCli.documents} documents: ${r0(policyCli.wallMs)} ms wall`);

    const results = summarize(opts, prepInfo, full, floor, scaleRuns, policy, policyCli);
    results.benchSeconds = r0((Date.now() - began) / 1000);
    const md = markdown(results);
    process.stdout.write(`${md}\n`);
    if (opts.write) {
      fs.writeFileSync(path.join(BENCH, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
      fs.writeFileSync(path.join(BENCH, 'results.md'), `${md}\n`);
      log('wrote bench/results.json and bench/results.md');
    }
    const failed = Object.entries(results.checks).filter(([, c]) => !c.pass);
    if (failed.length) {
      log(`FAILED: ${failed.map(([k]) => k).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    rm(work);
    if (keptOutput) rm(keptOutput);
  }
}

function summarize(opts, prepInfo, full, floor, scaleRuns, policy, policyCli) {
  const fullWall = stats(full);
  const floorWall = stats(floor);
  const sizes = [...scaleRuns.keys()].sort((a, b) => a - b);
  const smallest = sizes[0];
  const base = median(scaleRuns.get(smallest).map((r) => r.wallMs));
  const scaling = sizes.map((n) => {
    const runs = scaleRuns.get(n);
    const ms = median(runs.map((r) => r.wallMs));
    const phases = {};
    for (const k of Object.keys(runs[0].phases)) phases[k] = r0(median(runs.map((r) => r.phases[k])));
    return {
      workloads: n,
      ms: r0(ms),
      minMs: r0(min(runs.map((r) => r.wallMs))),
      rssMiB: r1(median(runs.map((r) => r.rssMiB))),
      maxRssMiB: r1(max(runs.map((r) => r.rssMiB))),
      msPerWorkload: r2(ms / n),
      // Time per workload above the fixed cost (start-up, module loading, the platform's own objects),
      // taken as the smallest size's time.
      marginalMsPerWorkload: n === smallest ? null : r2((ms - base) / (n - smallest)),
      k8sObjects: runs[0].k8sObjects,
      terraformResources: runs[0].terraformResources,
      outputMiB: r1(runs[0].bytes / 1048576),
      phasesMs: phases,
      gcMs: r0(median(runs.map((r) => r.gcMs))),
    };
  });
  const at = (n) => scaling.find((s) => s.workloads === n);
  const s100 = at(100);
  const s1000 = at(1000);
  const growth = s100 && s1000 ? r3(s1000.msPerWorkload / s100.msPerWorkload) : null;
  const marginalGrowth = s100 && s1000 ? r3(s1000.marginalMsPerWorkload / s100.marginalMsPerWorkload) : null;
  const ratio = r3(fullWall.median / floorWall.median);
  const checks = {
    ratio: { value: ratio, limit: THRESHOLDS.ratio, pass: ratio <= THRESHOLDS.ratio },
  };
  if (s1000) {
    checks.largeTime = { value: s1000.ms, limit: THRESHOLDS.largeMs, pass: s1000.ms < THRESHOLDS.largeMs };
    checks.largeRss = { value: s1000.maxRssMiB, limit: THRESHOLDS.largeRssMiB, pass: s1000.maxRssMiB < THRESHOLDS.largeRssMiB };
  }
  if (growth !== null) {
    checks.perWorkloadGrowth = { value: growth, limit: THRESHOLDS.perWorkloadGrowth, pass: growth <= THRESHOLDS.perWorkloadGrowth };
  }
  const cpus = os.cpus();
  return {
    fullSynthMs: r0(fullWall.median),
    floorMs: r0(floorWall.median),
    ratio,
    scaling,
    full: {
      medianMs: r0(fullWall.median),
      minMs: r0(fullWall.min),
      inProcessMedianMs: r0(median(full.map((r) => r.ms))),
      loadMedianMs: r0(median(full.map((r) => r.loadMs))),
      rssMiB: r1(median(full.map((r) => r.rssMiB))),
      maxRssMiB: r1(max(full.map((r) => r.rssMiB))),
      bytesWritten: full[0].bytes,
    },
    floor: {
      medianMs: r0(floorWall.median),
      minMs: r0(floorWall.min),
      inProcessMedianMs: r0(median(floor.map((r) => r.ms))),
      loadMedianMs: r0(median(floor.map((r) => r.loadMs))),
      rssMiB: r1(median(floor.map((r) => r.rssMiB))),
      maxRssMiB: r1(max(floor.map((r) => r.rssMiB))),
      bytesWritten: floor[0].bytes,
    },
    minRatio: r3(fullWall.min / floorWall.min),
    reference: { environments: prepInfo.environments, k8sObjects: prepInfo.k8sObjects, terraformResources: prepInfo.terraformResources, providerModules: prepInfo.providerModules.length },
    policy: {
      workloads: max(sizes),
      documents: policy[0].documents,
      checkMs: r0(median(policy.map((r) => r.checkMs))),
      checkMinMs: r0(min(policy.map((r) => r.checkMs))),
      wallMs: r0(median(policy.map((r) => r.wallMs))),
      rssMiB: r1(median(policy.map((r) => r.rssMiB))),
      parseFilesMs: r0(policyCli.inputMs),
      parseAndCheckWallMs: r0(policyCli.wallMs),
    },
    growth: { perWorkload1000vs100: growth, marginalPerWorkload1000vs100: marginalGrowth },
    checks,
    repetitions: { fullAndFloor: opts.reps, scaling: opts.scaleReps, policy: opts.scaleReps },
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', memoryGiB: r1(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}` },
  };
}

function markdown(r) {
  const ok = (c) => (c ? (c.pass ? 'yes' : '**NO**') : 'n/a');
  const lines = [];
  lines.push(
    `Machine: ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node.js ${r.machine.node}. ` +
      `Wall time of a whole process (start-up included), median (min) of ${r.repetitions.fullAndFloor} runs for full synth and floor, ` +
      `${r.repetitions.scaling} for scaling and policy; peak RSS of the process.`,
    '',
    '| measurement | wall ms, median (min) | peak RSS MiB | notes |',
    '|---|---:|---:|---|',
    `| full synth, reference platform (${r.reference.environments} envs, ${r.reference.k8sObjects} k8s objects + ${r.reference.terraformResources} Terraform resources) | ${r.full.medianMs} (${r.full.minMs}) | ${r.full.rssMiB} | ${r.full.bytesWritten} bytes written; in-process ${r.full.inProcessMedianMs} ms, of which loading modules ${r.full.loadMedianMs} ms |`,
    `| floor: bare cdk8s + cdktf, same objects, same output | ${r.floor.medianMs} (${r.floor.minMs}) | ${r.floor.rssMiB} | ${r.floor.bytesWritten} bytes written; in-process ${r.floor.inProcessMedianMs} ms, of which loading modules ${r.floor.loadMedianMs} ms |`,
    `| **ratio full / floor** | **${r.ratio}** (min/min ${r.minRatio}) | | limit 1.5 |`,
    '',
    '| workloads | k8s objects | Terraform resources | output MiB | wall ms, median (min) | peak RSS MiB, median (max) | ms per workload | marginal ms per workload | build / validate / render / policy / write ms | of which GC ms |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|',
  );
  for (const s of r.scaling) {
    const p = s.phasesMs;
    lines.push(
      `| ${s.workloads} | ${s.k8sObjects} | ${s.terraformResources} | ${s.outputMiB} | ${s.ms} (${s.minMs}) | ${s.rssMiB} (${s.maxRssMiB}) | ${s.msPerWorkload} | ${s.marginalMsPerWorkload ?? '-'} | ${p.build} / ${p.validate} / ${p.render} / ${p.policy} / ${p.write} | ${s.gcMs} |`,
    );
  }
  if (r.growth.perWorkload1000vs100 !== null) {
    lines.push(
      '',
      `Time per workload, 1,000 vs 100: **${r.growth.perWorkload1000vs100}x** (marginal, above the ${r.scaling[0].workloads}-workload run: ${r.growth.marginalPerWorkload1000vs100}x).`,
    );
  }
  lines.push(
    '',
    `Policy engine alone on the ${r.policy.workloads}-workload output (${r.policy.documents} documents): checkDocuments **${r.policy.checkMs} ms** median (min ${r.policy.checkMinMs}), ` +
      `process ${r.policy.wallMs} ms, ${r.policy.rssMiB} MiB. Through files as \`npm run check\` reads them: parsing ${r.policy.parseFilesMs} ms, whole process ${r.policy.parseAndCheckWallMs} ms.`,
    '',
    '| check | value | limit | met |',
    '|---|---:|---:|---|',
    `| full synth / floor (median wall) | ${r.checks.ratio.value} | <= ${r.checks.ratio.limit} | ${ok(r.checks.ratio)} |`,
  );
  if (r.checks.largeTime) lines.push(`| 1,000 workloads, wall ms | ${r.checks.largeTime.value} | < ${r.checks.largeTime.limit} | ${ok(r.checks.largeTime)} |`);
  if (r.checks.largeRss) lines.push(`| 1,000 workloads, peak RSS MiB (max of runs) | ${r.checks.largeRss.value} | < ${r.checks.largeRss.limit} | ${ok(r.checks.largeRss)} |`);
  if (r.checks.perWorkloadGrowth) {
    lines.push(`| time per workload 1,000 / 100 | ${r.checks.perWorkloadGrowth.value} | <= ${r.checks.perWorkloadGrowth.limit} | ${ok(r.checks.perWorkloadGrowth)} |`);
    lines.push(`| (information) marginal time per workload 1,000 / 100 | ${r.growth.marginalPerWorkload1000vs100} | | |`);
  }
  return lines.join('\n');
}

main(process.argv.slice(2));
