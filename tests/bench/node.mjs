// Times the wasm build's `checkBytes` in Node, for `cargo xtask bench` (see xtask/src/bench.rs).
//
//     node tests/bench/node.mjs GLUE_JS RUNS FILE
//
// GLUE_JS is the output of `wasm-bindgen --target nodejs` (CommonJS). Calls checkBytes on the
// file's bytes once cold, then for a second to warm up, then RUNS timed times, in this process,
// and prints one line on standard output:
//
//     result node file=NAME bytes=N best_ms=X runs_ms=A,B,C first_ms=X warmups=N legacy=N findings=N
//            checked=N wasm_memory_mb=X
//
// Progress goes to standard error.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const [glue, runsArg, file] = process.argv.slice(2);
if (!glue || !runsArg || !file) {
  console.error('usage: node tests/bench/node.mjs GLUE_JS RUNS FILE');
  process.exit(2);
}
const runs = Number(runsArg);
const RULE = 'legacy-exo-tls-capability';
const WARM_UP_MS = 1000;

// The glue keeps its instance to itself: remember it, to read the size of the wasm memory.
const Instance = WebAssembly.Instance;
let instance = null;
WebAssembly.Instance = function (module, imports) {
  instance = new Instance(module, imports);
  return instance;
};
const require = createRequire(import.meta.url);
const hybridcheck = require(resolve(glue));
WebAssembly.Instance = Instance;

const d = new Date();
const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const bytes = new Uint8Array(readFileSync(file));
const name = basename(file);
// The first call, cold: the wasm memory still growing, every function still in V8's baseline code.
let result = null;
const c0 = performance.now();
result = hybridcheck.checkBytes(bytes, name, today);
const first = performance.now() - c0;
console.error(`     node ${name}: first call ${first.toFixed(1)} ms`);
// Warm-up: V8 moves a wasm function to its optimising compiler only after it has run a while, and
// a check of 1 MB is over before that. Calls for at least a second before the timed runs, as a
// page that checks one paste after another is.
let warmups = 0;
const w0 = performance.now();
while (performance.now() - w0 < WARM_UP_MS) {
  result = null;
  result = hybridcheck.checkBytes(bytes, name, today);
  warmups++;
}
console.error(`     node ${name}: ${warmups} warm-up call(s)`);
const times = [];
for (let i = 0; i < runs; i++) {
  result = null; // let the previous report go before the next run
  const t0 = performance.now();
  result = hybridcheck.checkBytes(bytes, name, today);
  const ms = performance.now() - t0;
  times.push(ms);
  console.error(`     node ${name}: run ${i + 1}/${runs} ${ms.toFixed(1)} ms`);
}
const findings = result.report.findings;
const memory = instance && instance.exports.memory ? instance.exports.memory.buffer.byteLength : NaN;
console.log([
  'result node',
  `file=${name}`,
  `bytes=${bytes.length}`,
  `best_ms=${Math.min(...times).toFixed(3)}`,
  `runs_ms=${times.map((t) => t.toFixed(3)).join(',')}`,
  `first_ms=${first.toFixed(3)}`,
  `warmups=${warmups}`,
  `legacy=${findings.filter((f) => f.rule === RULE).length}`,
  `findings=${findings.length}`,
  `checked=${result.report.summary.checked}`,
  `wasm_memory_mb=${(memory / 1e6).toFixed(1)}`,
].join(' '));
