// Loading the page, what it says about itself, and what it never does: no network, no storage,
// no policy violation, no script error. Also the page's own gunzip, tested in Node.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { constants as zlibConstants, gzipSync } from 'node:zlib';
import {
  DEFAULT_FRONTEND, PAGE, ROOT, RULE, SAMPLE_FILES, SCREENSHOT, UTF16_SAMPLE, SAMPLES, assert, assertEqual, cards,
  checks, dropFile, exampleCheck, loadExample, nodeTest, pasteText, sampleText, test, waitChecked,
} from './helpers.mjs';
import { xssTranscript } from './inputs.mjs';

// ---------- the page's own gunzip (www/wasm-loader.js), against Node's zlib ----------

/** The loader, and what it must unpack: every block type (stored, fixed and dynamic Huffman
 * codes) at every level, on the real wasm, text and random bytes. */
function loaderAndInputs() {
  const loader = {};
  runInNewContext(`${readFileSync(join(ROOT, 'www', 'wasm-loader.js'), 'utf8')}\nout.gunzip = hybridcheckGunzip;`, { out: loader });
  const wasm = join(ROOT, 'target', 'web', 'hybridcheck.wasm');
  const inputs = {
    empty: Buffer.alloc(0),
    'one byte': Buffer.from('a'),
    'app.js': readFileSync(join(ROOT, 'www', 'app.js')),
    'random bytes': randomBytes(100000),
  };
  if (existsSync(wasm)) inputs['the wasm'] = readFileSync(wasm);
  return { loader, inputs };
}

nodeTest('loader', 'gunzips what zlib gzips, byte for byte', async () => {
  const { loader, inputs } = loaderAndInputs();
  const strategies = { default: zlibConstants.Z_DEFAULT_STRATEGY, fixed: zlibConstants.Z_FIXED, 'huffman only': zlibConstants.Z_HUFFMAN_ONLY };
  for (const [what, input] of Object.entries(inputs)) {
    for (const level of [0, 1, 6, 9]) {
      for (const [strategy, value] of Object.entries(strategies)) {
        const out = loader.gunzip(new Uint8Array(gzipSync(input, { level, strategy: value })));
        assert(Buffer.compare(Buffer.from(out), input) === 0, `${what}, level ${level}, ${strategy}: differs`);
      }
    }
  }
});

nodeTest('loader', 'refuses a damaged copy', async () => {
  const { loader, inputs } = loaderAndInputs();
  // A name field that never ends must be refused, not read past the end forever.
  const header = new Uint8Array([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3, ...new Array(26).fill(0x41)]);
  let endless = '';
  try {
    loader.gunzip(header);
  } catch (e) {
    endless = String(e.message);
  }
  assert(endless.includes('damaged'), `an unended header field was not refused (${endless || 'no error'})`);
  const gz = gzipSync(inputs['app.js'], { level: 9 });
  for (const [what, at] of [['CRC-32', gz.length - 8], ['length', gz.length - 4], ['data', gz.length >> 1]]) {
    const damaged = new Uint8Array(gz);
    damaged[at] ^= 0x10;
    let refused = '';
    try {
      loader.gunzip(damaged);
    } catch (e) {
      refused = String(e.message);
    }
    assert(refused.includes('damaged'), `a flipped bit in the ${what} was not refused (${refused || 'no error'})`);
  }
});

// ---------- loading ----------

test('page loads and shows the example with its 2 findings', { page: 'blank' }, async ({ page, mode }) => {
  const t0 = Date.now();
  await page.goto(mode.url);
  await page.waitForSelector('html[data-state=ready]', { timeout: 10000 });
  const ms = Date.now() - t0;
  const example = await page.evaluate(() => wasm_bindgen.example());
  assertEqual(await page.inputValue('[data-testid=input]'), example, 'textarea holds the example');
  const got = await cards(page);
  assertEqual(JSON.stringify(got), JSON.stringify([
    { rule: RULE, identity: DEFAULT_FRONTEND },
    { rule: RULE, identity: 'EX01\\Partner Inbound EX01' },
  ]), 'finding cards');
  const exampleResult = await exampleCheck(page);
  const verdict = await page.textContent('#verdict');
  assertEqual(verdict, exampleResult.report.summary.verdict, 'verdict');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  assertEqual(focused, 'input', 'the paste box has the focus');
  return `ready ${ms} ms after navigation`;
});

test('starts in the background where a browser will not compile the wasm on the page\'s thread', { modes: ['file'], page: 'none' }, async (fixture) => {
  // Chromium before 114 refused to compile a module over 4 KB synchronously on the main thread.
  const older = await fixture.newContext();
  await older.addInitScript(() => {
    const Module = WebAssembly.Module;
    window.__refused = 0;
    WebAssembly.Module = function (bytes) {
      if (bytes && bytes.byteLength > 4096) {
        window.__refused++;
        throw new RangeError('WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than 4KB.');
      }
      return new Module(bytes);
    };
    WebAssembly.Module.prototype = Module.prototype;
  });
  const p = await older.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(fixture.mode.url);
  await p.waitForSelector('html[data-state=ready] [data-testid=finding]', { timeout: 10000 });
  const refused = await p.evaluate(() => window.__refused);
  const got = await cards(p);
  assert(refused > 0, 'the synchronous compile was tried and refused');
  assertEqual(got.length, 2, 'the example\'s finding cards');
  assertEqual(JSON.stringify(errors), '[]', 'script errors');
});

test('about area shows version, build date, data date and a SHA-256 field', async ({ page }) => {
  const v = await page.evaluate(() => wasm_bindgen.version());
  const about = await page.locator('.about').innerText();
  assert(about.includes(v.version), 'version shown');
  assert(about.includes(v.data_as_of), 'data_as_of shown');
  assert(/\d{4}-\d{2}-\d{2}/.test(await page.textContent('#about-build')), 'build date shown');
  assert(/^[0-9a-f]{64}$/.test(await page.textContent('#file-sha256')), 'sha256 is 64 hex');
  assert(about.includes("connect-src 'none'"), 'mentions connect-src');
  assert(/Network/.test(about), 'tells how to check with the Network tab');
});

test('the SHA-256 shown verifies, with the page\'s own sed command', { modes: ['file'] }, async ({ page }) => {
  const shown = await page.textContent('#file-sha256');
  const html = readFileSync(PAGE, 'latin1');
  assertEqual(html.split(shown).length, 2, 'the hash occurs once in the file');
  const zeroed = html.replace(shown, '0'.repeat(64));
  assertEqual(createHash('sha256').update(zeroed, 'latin1').digest('hex'), shown, 'SHA-256 with the field zeroed');
  const sed = await page.textContent('#verify-sh');
  const out = execFileSync('sh', ['-c', sed], { cwd: dirname(PAGE), encoding: 'utf8' });
  assertEqual(out.split(/\s/)[0], shown, `output of ${sed}`);
  const ps = await page.textContent('#verify-ps');
  assert(ps.includes(`$h = '${shown}'`), 'PowerShell command names the hash');
  const sidecar = PAGE + '.sha256';
  if (existsSync(sidecar)) {
    const want = readFileSync(sidecar, 'utf8').split(/\s/)[0];
    assertEqual(createHash('sha256').update(readFileSync(PAGE)).digest('hex'), want, 'hybridcheck.html.sha256');
  }
});

test('nothing kept: no storage or cookies after a paste and a reload', async (fixture) => {
  const { page } = fixture;
  const example = await page.evaluate(() => wasm_bindgen.example());
  await pasteText(page, sampleText(SAMPLE_FILES[0]));
  const probe = () => page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookie: document.cookie,
    idb: indexedDB.databases ? (await indexedDB.databases()).length : 0,
  }));
  const a = await probe();
  await fixture.reload(page);
  const b = await probe();
  for (const s of [a, b]) {
    assertEqual(JSON.stringify(s), JSON.stringify({ local: 0, session: 0, cookie: '', idb: 0 }), 'storage');
  }
  assertEqual(await page.inputValue('[data-testid=input]'), example, 'the reloaded page shows the example, not the paste');
});

test('screenshot docs/screenshot.png (1280x900, the example, first finding visible)', { modes: ['file'] }, async ({ page }) => {
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const box = await page.locator('[data-testid=finding]').first().boundingBox();
  assert(box && box.y < 900 - 150, `first finding starts at y=${box && box.y}`);
  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });
});

// ---------- the guards ----------

// The guards themselves: a request and a CSP violation made on purpose must be seen.
test('the network and CSP guards catch a request made on purpose', { modes: ['file'], page: 'none' }, async (fixture) => {
  const { mode, server } = fixture;
  const probe = await fixture.unguardedContext();
  const caught = [];
  await probe.route((url) => !url.href.startsWith('file:') && !url.href.startsWith(server.origin), (route) => {
    caught.push(route.request().url());
    return route.abort();
  });
  await probe.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective));
  });
  const p = await probe.newPage();
  await p.goto(mode.url);
  await p.waitForSelector('html[data-state=ready]', { timeout: 10000 });
  const fetched = await p.evaluate(() => fetch('http://192.0.2.1/leak').then(() => 'sent', (e) => 'refused'));
  await p.waitForFunction(() => window.__csp.length > 0, null, { timeout: 2000 });
  const violations = await p.evaluate(() => window.__csp);
  await p.goto('http://192.0.2.1/navigate').catch(() => {});
  await probe.close();
  assertEqual(fetched, 'refused', 'fetch');
  assert(violations.includes('connect-src'), `violations ${JSON.stringify(violations)}`);
  assertEqual(JSON.stringify(caught), JSON.stringify(['http://192.0.2.1/navigate']), 'routed requests');
  // A request from a worker, and a WebSocket, are seen too (a page without the CSP makes them).
  const open = await fixture.unguardedContext({ bypassCSP: true });
  const seen = [];
  await open.route((url) => !fixture.isLocal(url), (route) => {
    seen.push(route.request().url());
    return route.abort();
  });
  await open.routeWebSocket(() => true, (ws) => {
    seen.push(ws.url());
    return ws.close();
  });
  const q = await open.newPage();
  await q.goto(mode.url);
  await q.waitForSelector('html[data-state=ready]', { timeout: 10000 });
  await q.evaluate(() => new Promise((resolve) => {
    const code = "fetch('http://192.0.2.1/worker').then(() => postMessage(1), () => postMessage(0));";
    const w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    w.onmessage = () => resolve();
  }));
  await q.evaluate(() => new Promise((resolve) => {
    const ws = new WebSocket('ws://192.0.2.1/socket');
    ws.onerror = ws.onclose = () => resolve();
  }));
  await open.close();
  assertEqual(JSON.stringify(seen.sort()), JSON.stringify(['http://192.0.2.1/worker', 'ws://192.0.2.1/socket']), 'worker and WebSocket requests seen');
});

/**
 * What an admin does with the page, for the three checks below (the fixture's guards check the
 * same after every test): paste, drop a file, paste hostile text, load the example, copy a
 * command and download the three files.
 */
async function useThePage(page) {
  await pasteText(page, sampleText(SAMPLE_FILES[0]));
  await page.locator('[data-testid=input]').fill('');
  let before = await checks(page);
  await dropFile(page, UTF16_SAMPLE, readFileSync(join(SAMPLES, UTF16_SAMPLE)));
  await waitChecked(page, before);
  await pasteText(page, xssTranscript());
  await loadExample(page);
  await page.evaluate(() => { document.getElementById('announcer').textContent = ''; });
  await page.locator('[data-testid=finding]').first().locator('[data-testid=commands] button', { hasText: 'Copy' }).first().click();
  await page.waitForFunction(() => /Copied|Selected/.test(document.getElementById('announcer').textContent));
  for (const id of ['download-ps1', 'download-json', 'download-md']) {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.click(`#${id}`)]);
    await dl.path();
  }
  // Time for a late request or violation to show.
  await page.waitForTimeout(100);
}

test('no network request during load, paste, drop, copy, download', async (fixture) => {
  const { page, mode } = fixture;
  await useThePage(page);
  assertEqual(JSON.stringify(fixture.blocked), '[]', 'requests to other origins');
  assertEqual(JSON.stringify(fixture.extraRequests()), '[]', 'requests other than the page');
  const toServer = fixture.serverRequests();
  if (mode.url.startsWith('http')) {
    assert(toServer.length > 0 && toServer.every((u) => u === new URL(mode.url).pathname), `server saw ${JSON.stringify(toServer)}`);
  } else {
    assertEqual(toServer.length, 0, 'requests to the local server');
  }
  return `${fixture.requests.length} request(s), all the page itself`;
});

test('no Content-Security-Policy violations', async (fixture) => {
  const { page } = fixture;
  await useThePage(page);
  assertEqual(JSON.stringify(fixture.csp), '[]', 'violations');
  const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert(meta && meta.includes("connect-src 'none'") && meta.includes("default-src 'none'"), `CSP meta: ${meta}`);
});

test('no script errors, no dialogs, no popups, no crash', async (fixture) => {
  await useThePage(fixture.page);
  assertEqual(JSON.stringify(fixture.errors), '[]', 'errors');
  assertEqual(JSON.stringify(fixture.dialogs), '[]', 'dialogs');
  assertEqual(JSON.stringify(fixture.popups), '[]', 'popups');
  assertEqual(fixture.crashed, false, 'crashed');
});
