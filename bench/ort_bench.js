#!/usr/bin/env node
// Times a model with onnxruntime-node: `node ort_bench.js MODEL ITERS WARMUP THREADS`.
// All graph optimizations, THREADS intra-op threads, sequential execution,
// the same seeded input as bench_model.c (values in [-1, 1)).  Prints one
// line `times_ms t0 t1 ...`, then `peak_rss_kib N base_rss_kib B`: the
// process's peak resident set and its resident set before onnxruntime was
// loaded (Node.js itself), so N - B is what onnxruntime added (its library,
// the session with its weights and arena).  onnxruntime-node is taken from
// $ONNXCC_NODE_MODULES if set, else from <repo>/node_modules.  With
// ONNXCC_ORT_PROFILE=PREFIX set, onnxruntime also writes its node profile
// to PREFIX_<date>.json (bench/layers.py reads it).
'use strict';
const fs = require('fs');
const path = require('path');

function loadOrt() {
  const dirs = [];
  if (process.env.ONNXCC_NODE_MODULES) dirs.push(process.env.ONNXCC_NODE_MODULES);
  dirs.push(path.join(__dirname, '..', 'node_modules'));
  for (const d of dirs) {
    const p = path.join(d, 'onnxruntime-node');
    if (fs.existsSync(p)) return require(p);
  }
  process.stderr.write('ort_bench.js: onnxruntime-node not found (run: npm ci --ignore-scripts)\n');
  process.exit(1);
}

// This process's peak resident set in KiB: VmHWM of /proc/self/status,
// which starts afresh at exec; resourceUsage().maxRSS (the fallback) keeps
// the high-water mark of the process image before exec, so under a large
// parent (bench.py) it reported the parent's size.
function peakRssKib() {
  try {
    const m = /^VmHWM:\s*(\d+)\s*kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch (e) {
    // not Linux: the fallback
  }
  return process.resourceUsage().maxRSS;
}

async function main() {
  const [model, itersArg, warmArg, threadsArg] = process.argv.slice(2);
  if (!model) {
    process.stderr.write('usage: node ort_bench.js MODEL ITERS WARMUP THREADS\n');
    process.exit(1);
  }
  const iters = Number(itersArg || 10), warmup = Number(warmArg || 2), threads = Number(threadsArg || 1);
  const baseRss = process.memoryUsage().rss;
  const ort = loadOrt();
  const options = {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
  const profile = process.env.ONNXCC_ORT_PROFILE;
  if (profile) {
    options.enableProfiling = true;
    options.profileFilePrefix = profile;
  }
  const session = await ort.InferenceSession.create(model, options);
  const feeds = {};
  let s = 12345n;
  const mask = (1n << 64n) - 1n;
  for (const name of session.inputNames) {
    const meta = session.inputMetadata ? session.inputMetadata.find((m) => m.name === name) : null;
    const dims = meta && meta.shape ? meta.shape.map((d) => (typeof d === 'number' ? d : 1)) : [1, 3, 224, 224];
    const n = dims.reduce((a, b) => a * b, 1);
    const x = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      s = (s * 6364136223846793005n + 1442695040888963407n) & mask;
      x[j] = Number(s >> 40n) / 16777216 * 2 - 1;
    }
    feeds[name] = new ort.Tensor('float32', x, dims);
  }
  for (let r = 0; r < warmup; r++) await session.run(feeds);
  const times = [];
  for (let r = 0; r < iters; r++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  if (profile) session.endProfiling();
  process.stdout.write(`times_ms ${times.map((t) => t.toFixed(4)).join(' ')}\n`);
  process.stdout.write(`peak_rss_kib ${peakRssKib()} base_rss_kib ${Math.round(baseRss / 1024)}\n`);
}

main().catch((e) => {
  process.stderr.write(`ort_bench.js: ${e.message}\n`);
  process.exit(1);
});
