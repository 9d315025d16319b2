// Browser tests of the one-file page. Run from the repository root:
//
//     node tests/e2e/run.mjs                  every test, in every mode
//     node tests/e2e/run.mjs 'Copy' '^\[http\]'  only the tests whose name matches one of the patterns
//     node tests/e2e/run.mjs --shuffle[=SEED]  in a random order (it prints the seed to repeat it)
//     node tests/e2e/run.mjs --list            the names, without running them
//
// Tests dist/hybridcheck.html (made by `cargo xtask dist`), or the file named by
// HYBRIDCHECK_PAGE. Every browser test runs from file://, from a local http server, and from
// file:// in an offline browser context, each time in a fresh context of its own (see
// helpers.mjs). HYBRIDCHECK_E2E_ONLY=regex is another way to name the tests to run. Prints one
// line per test and ends with `N passed, M failed`; exits with 1 when a test failed.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { PAGE, allTests, runTests, startEnvironment } from './helpers.mjs';
// The tests, by what they test. Each file registers its tests when imported.
import './loading-and-offline.mjs';
import './paste-and-drop.mjs';
import './findings-and-copy.mjs';
import './downloads-and-print.mjs';
import './accessibility.mjs';
import './large-inputs.mjs';
import './hostile-inputs.mjs';

const started = Date.now();
const args = process.argv.slice(2);
const patterns = args.filter((a) => !a.startsWith('--')).concat(process.env.HYBRIDCHECK_E2E_ONLY || []).map((p) => new RegExp(p));
let tests = allTests().filter((t) => !patterns.length || patterns.some((p) => p.test(t.name)));

const shuffle = args.find((a) => a === '--shuffle' || a.startsWith('--shuffle='));
if (shuffle) {
  const seed = shuffle.includes('=') ? Number(shuffle.split('=')[1]) : Math.floor(Math.random() * 2 ** 31);
  tests = shuffled(tests, seed);
  console.log(`order shuffled with seed ${seed} (--shuffle=${seed} repeats it)`);
}

if (args.includes('--list')) {
  for (const t of tests) console.log(t.name);
  console.log(`${tests.length} tests`);
  process.exit(0);
}
if (!tests.length) {
  console.log(`FAIL no test matches ${patterns.join(' or ')}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (!existsSync(PAGE)) {
  console.log(`FAIL page exists: ${PAGE} is missing (run \`cargo xtask dist\`, or set HYBRIDCHECK_PAGE)`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const env = await startEnvironment(chromium);
let result;
try {
  result = await runTests(env, tests);
} finally {
  await env.close();
}

console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed ? 1 : 0);

/** `list` in an order drawn from `seed` (mulberry32 and Fisher-Yates), the same for the same seed. */
function shuffled(list, seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
