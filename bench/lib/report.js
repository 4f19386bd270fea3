'use strict';
/*
 * Renders bench/results.json as the Markdown of bench/results.md (and of the README's Benchmark
 * section). Pure: the same results give the same text, so `npm run bench -- --quick` can check that
 * the committed results.md is the rendering of the committed results.json.
 */

const LABELS = {
  synthNode: '`node -r ./scripts/ts-register.js stacks/main.ts` (node only, warm loader cache)',
  npmSynthWarm: '**`npm run synth`**, warm (loader cache filled)',
  npmSynthCold: '**`npm run synth`**, cold (fresh clone: empty loader cache, every file transpiled)',
  npmSynthSecond: '`npm run synth`, second run after a cold one (the V8 code cache writes its data)',
  checkNode: '`npm run check` node only (warm), reference prod output',
  npmCheckWarm: '`npm run check`, warm',
  npmCheckCold: '`npm run check`, cold',
};

const CHECK_LABELS = {
  npmSynthWarm: ['`npm run synth` warm / floor (medians)', '<='],
  npmSynthCold: ['`npm run synth` cold / floor (medians)', '<='],
  nodeSynth: ['synth node only / floor (medians)', '<='],
  ms1000: ['1,000 workloads, wall ms', '<'],
  ms5000: ['5,000 workloads, wall ms', '<'],
  rss: ['peak RSS MiB, largest size (max of runs)', '<'],
  marginalFlatness: ['CPU time per added workload, last segment / first', '<='],
};

const fmt = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n));

function markdown(r) {
  const ok = (c) => (c.pass ? 'yes' : '**NO**');
  const ref = r.reference;
  const lines = [];
  lines.push(
    `Machine: ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node.js ${r.machine.node}; load average at the end ${r.machine.loadAverage.join(' / ')}. ` +
      `Mode: ${r.mode}. Wall time of the whole command (npm, shell and Node.js start-up included), median (min) of ${r.repetitions.reference} interleaved rounds for the reference platform ` +
      `and ${r.repetitions.scaling} for scaling; peak RSS of the command's largest Node.js process.`,
    '',
    `Reference platform: ${ref.environments} environments, ${ref.k8sObjects} Kubernetes objects, ${ref.terraformResources} Terraform resources, ${fmt(ref.bytesWritten)} bytes written (floor ${fmt(ref.floorBytesWritten)}).`,
    '',
    '| command | wall ms, median (min) | / floor, median (min/min) | CPU ms, median | CPU / floor | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|',
    `| floor: \`node bench/floor.js\`, bare cdk8s + cdktf, same objects, same files | ${fmt(ref.floor.medianMs)} (${fmt(ref.floor.minMs)}) | 1 | ${fmt(ref.floor.cpuMs)} | 1 | ${ref.floor.rssMiB} |`,
  );
  for (const k of Object.keys(LABELS)) {
    if (!ref[k]) continue;
    lines.push(`| ${LABELS[k]} | ${fmt(ref[k].medianMs)} (${fmt(ref[k].minMs)}) | ${r.ratios[k].median} (${r.ratios[k].min}) | ${fmt(ref[k].cpuMs)} | ${r.ratios[k].cpu} | ${ref[k].rssMiB} |`);
  }
  lines.push(
    '',
    '| workloads | k8s objects | Terraform resources | output MiB | wall ms, median (min) | CPU ms, median (min) | peak RSS MiB, median (max) | ms per workload | load / build / validate / render / policy / write ms | of which GC ms |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|',
  );
  for (const s of r.scaling) {
    const p = s.phasesMs;
    lines.push(
      `| ${fmt(s.workloads)} | ${fmt(s.k8sObjects)} | ${fmt(s.terraformResources)} | ${s.outputMiB} | ${fmt(s.ms)} (${fmt(s.minMs)}) | ${fmt(s.cpuMs)} (${fmt(s.minCpuMs)}) | ${s.rssMiB} (${s.maxRssMiB}) | ${s.msPerWorkload} | ${p.load} / ${p.build} / ${p.validate} / ${p.render} / ${p.policy} / ${p.write} | ${fmt(s.gcMs)} |`,
    );
  }
  if (r.marginal.length) {
    lines.push(
      '',
      `Time per added workload, CPU (user + system, all threads; least of the runs of each size): ${r.marginal.map((m) => `${fmt(m.from)} → ${fmt(m.to)}: ${m.cpuMsPerAddedWorkload} ms`).join('; ')}${r.flatness !== null ? `: last segment / first ${r.flatness}, largest / smallest ${r.spread}` : ''}. ` +
        `Wall, fastest runs: ${r.marginal.map((m) => `${m.msPerAddedWorkload} ms`).join('; ')}; wall, medians: ${r.marginal.map((m) => `${m.msPerAddedWorkloadMedians} ms`).join('; ')}.`,
    );
  }
  lines.push(
    '',
    `Policy engine alone on the ${fmt(r.policy.workloads)}-workload output (${fmt(r.policy.documents)} documents): checkDocuments **${fmt(r.policy.checkMs)} ms** median (min ${fmt(r.policy.checkMinMs)}), ` +
      `process ${fmt(r.policy.wallMs)} ms, ${r.policy.rssMiB} MiB. Through files as \`npm run check\` reads them: parsing ${fmt(r.policy.parseFilesMs)} ms, whole process ${fmt(r.policy.parseAndCheckWallMs)} ms.`,
    '',
    '| check | value | limit | met |',
    '|---|---:|---:|---|',
  );
  for (const [k, c] of Object.entries(r.checks)) {
    const [label, op] = CHECK_LABELS[k];
    lines.push(`| ${label} | ${fmt(c.value)} | ${op} ${fmt(c.limit)} | ${r.mode === 'quick' ? 'n/a (quick)' : ok(c)} |`);
  }
  return lines.join('\n');
}

module.exports = { markdown };
