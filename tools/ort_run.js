#!/usr/bin/env node
// Runs a model with onnxruntime-node: the independent reference the generated
// C is compared against.
//
//   node tools/ort_run.js MODEL.onnx --out DIR [--shape NAME=1,3,224,224]... IN0.bin [IN1.bin ...]
//
// Each IN<k>.bin is raw little-endian float32 for graph input k (graph-input
// order).  Shapes come from the model's input metadata; --shape overrides them
// and is required for symbolic dims.  Writes DIR/output_<k>.bin (raw float32)
// for each graph output in order and prints one line per output:
// `output_<k>.bin NAME d0,d1,...`.  One intra-op thread, all graph
// optimizations, exact 8-bit products (see below).  onnxruntime-node is taken
// from $ONNXCC_NODE_MODULES if set, else from <repo>/node_modules.  Exit status 1 with one line on any error.
'use strict';
const fs = require('fs');
const path = require('path');

function die(msg) {
  process.stderr.write(`ort_run.js: ${msg}\n`);
  process.exit(1);
}

function loadOrt() {
  const dirs = [];
  if (process.env.ONNXCC_NODE_MODULES) dirs.push(process.env.ONNXCC_NODE_MODULES);
  dirs.push(path.join(__dirname, '..', 'node_modules'));
  for (const d of dirs) {
    const p = path.join(d, 'onnxruntime-node');
    if (fs.existsSync(p)) return require(p);
  }
  die(`onnxruntime-node not found in ${dirs.join(' or ')} (run: npm install --ignore-scripts)`);
}

function parseArgs(argv) {
  const a = { model: null, out: null, shapes: {}, inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === '--out' || s === '-o') {
      if (++i >= argv.length) die(`${s} needs a directory`);
      a.out = argv[i];
    } else if (s === '--shape' || s.startsWith('--shape=')) {
      let v = s === '--shape' ? argv[++i] : s.slice(8);
      if (v === undefined) die('--shape needs NAME=d0,d1,...');
      const eq = v.lastIndexOf('=');
      if (eq <= 0) die(`bad --shape '${v}' (want NAME=d0,d1,...)`);
      const dims = v.slice(eq + 1).split(',').map(Number);
      if (dims.some((d) => !Number.isInteger(d) || d < 0)) die(`bad dims in --shape '${v}'`);
      a.shapes[v.slice(0, eq)] = dims;
    } else if (s === '--help' || s === '-h') {
      process.stdout.write('usage: node tools/ort_run.js MODEL.onnx --out DIR [--shape NAME=d0,d1,...]... IN0.bin [IN1.bin ...]\n');
      process.exit(0);
    } else if (s.startsWith('-') && s !== '-') {
      die(`unknown option '${s}'`);
    } else if (a.model === null) {
      a.model = s;
    } else {
      a.inputs.push(s);
    }
  }
  if (a.model === null) die('no model given');
  if (a.out === null) die('no --out DIR given');
  return a;
}

function readF32(file) {
  const buf = fs.readFileSync(file);
  if (buf.length % 4) die(`${file}: ${buf.length} bytes is not a whole number of float32`);
  const f = new Float32Array(buf.length / 4);
  new Uint8Array(f.buffer).set(buf); // little-endian hosts only (x86-64, arm64)
  return f;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const ort = loadOrt();
  if (!fs.existsSync(a.model)) die(`${a.model}: no such file`);
  let sess;
  try {
    sess = await ort.InferenceSession.create(a.model, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // x86 without VNNI (AVX2, AVX-512F): onnxruntime's uint8 x int8
      // products add pairs in 16 bits (vpmaddubsw) and saturate, which
      // put a small MatMulInteger 18 quantization steps off and
      // DenseNet-121's QDQ export 2 steps off on a Zen 2.  This option
      // makes it compute them exactly (uint8 x uint8 where a weight lies
      // outside [-64, 63]); with VNNI it changes nothing.
      extra: { session: { x64quantprecision: '1' } },
    });
  } catch (e) {
    die(`${a.model}: onnxruntime cannot load it: ${String(e.message || e).split('\n')[0]}`);
  }
  const names = sess.inputNames;
  if (a.inputs.length !== names.length)
    die(`${a.model}: model has ${names.length} input(s) (${names.join(', ')}), got ${a.inputs.length} file(s)`);
  for (const n of Object.keys(a.shapes))
    if (!names.includes(n)) die(`--shape names '${n}', which is not a graph input (${names.join(', ')})`);

  const meta = sess.inputMetadata || [];
  const feeds = {};
  names.forEach((name, k) => {
    let dims = a.shapes[name];
    if (!dims) {
      const m = meta[k];
      if (m && m.isTensor === false) die(`input '${name}' is not a tensor`);
      if (!m || !Array.isArray(m.shape))
        die(`input '${name}': shape unknown, pass --shape ${name}=d0,d1,...`);
      if (m.shape.some((d) => typeof d !== 'number' || d < 0))
        die(`input '${name}' has symbolic dims [${m.shape.join(',')}], pass --shape ${name}=d0,d1,...`);
      dims = m.shape;
    }
    if (meta[k] && meta[k].type && meta[k].type !== 'float32')
      die(`input '${name}' is ${meta[k].type}; only float32 inputs are supported`);
    const data = readF32(a.inputs[k]);
    const want = dims.reduce((p, d) => p * d, 1);
    if (data.length !== want)
      die(`${a.inputs[k]}: ${data.length} floats, input '${name}' [${dims.join(',')}] needs ${want}`);
    feeds[name] = new ort.Tensor('float32', data, dims);
  });

  let res;
  try {
    res = await sess.run(feeds);
  } catch (e) {
    die(`${a.model}: onnxruntime run failed: ${String(e.message || e).split('\n')[0]}`);
  }
  fs.mkdirSync(a.out, { recursive: true });
  sess.outputNames.forEach((name, k) => {
    const t = res[name];
    if (!t || typeof t.data === 'string' || t.type === 'string')
      die(`output '${name}' is not a numeric tensor`);
    const f = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data, Number);
    const file = `output_${k}.bin`;
    fs.writeFileSync(path.join(a.out, file), Buffer.from(f.buffer, f.byteOffset, f.byteLength));
    process.stdout.write(`${file} ${name} ${t.dims.join(',')}\n`);
  });
}

main().catch((e) => die(String((e && e.message) || e).split('\n')[0]));
