// The shared part of the browser tests: what they test (paths and constants), the runner that
// registers and runs named tests, the page fixture each test gets, and page utilities.
//
// Every test runs alone: the fixture gives it a fresh browser context of its mode (file://,
// http://127.0.0.1 or offline), guarded against the network, with the page loaded, and closes it
// afterwards. Nothing a test does is seen by another, so tests run in any order and one at a time
// by name (see run.mjs).
import http from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { connectorBlock } from './inputs.mjs';

// ---------- what the tests test ----------

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PAGE = resolve(ROOT, process.env.HYBRIDCHECK_PAGE || 'dist/hybridcheck.html');
export const FILE_URL = pathToFileURL(PAGE).href;
export const OUTPUT = join(ROOT, 'tests', 'e2e', 'output');
export const SAMPLES = join(ROOT, 'tests', 'fixtures', 'samples');
export const SAMPLE_FILES = readdirSync(SAMPLES).filter((f) => !f.startsWith('.') && !f.endsWith('.expected.json')).sort();
export const UTF16_SAMPLE = SAMPLE_FILES.find((f) => f.startsWith('01b-'));
// The acceptance transcript of issue 4: the CLI's findings for it are its expected.json.
export const ACCEPTANCE = join(ROOT, 'tests', 'fixtures', 'rule-acceptance-two-servers');
export const ACCEPTANCE_TEXT = decodeText(readFileSync(join(ACCEPTANCE, 'input.txt')));
export const CONNECTOR_BLOCK = connectorBlock(ACCEPTANCE_TEXT);
// The page must never hold up its main thread longer than this, whatever the input.
export const STALL_LIMIT_MS = 500;
// The browser's own task that reads a real Ctrl+V's clipboard into a string (about 0.3 s at 50 MB
// on this machine). Were the page to let the browser put the paste in the box, it would stall
// for many seconds (23 s at 50 MB), so this bound still fails then.
export const PASTE_TASK_LIMIT_MS = 2000;
// The README's screenshot is rewritten only on request, so a test run leaves the tree clean.
export const SCREENSHOT = process.env.UPDATE_SCREENSHOT ? join(ROOT, 'docs', 'screenshot.png') : join(OUTPUT, 'screenshot.png');
export const CHROMIUM = process.env.HYBRIDCHECK_CHROMIUM || '/usr/bin/chromium';
// axe-core, pinned in package.json: evaluated in the page by the test tool (which the page's
// Content-Security-Policy does not govern), never part of the page.
const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
// A4 at 96 px an inch, less the page's print margins (12 mm at the sides, 10 mm at top and bottom).
export const A4_CONTENT = { width: Math.floor(((210 - 24) / 25.4) * 96), height: Math.floor(((297 - 20) / 25.4) * 96) };
export const VIEWPORT = { width: 1280, height: 900 };

export const DEFAULT_FRONTEND = 'EX01\\Default Frontend EX01';
export const RULE = 'legacy-exo-tls-capability';

/** The three ways the page is opened. Every browser test runs in each mode it names. */
export const MODES = {
  file: { name: 'file', offline: false },
  http: { name: 'http', offline: false },
  offline: { name: 'offline', offline: true },
};
const ALL_MODES = Object.keys(MODES);

// ---------- the registry ----------

const registered = [];

/**
 * Registers a browser test, run once per mode as `[mode] name`. `fn` gets the fixture (see
 * `Fixture`) and may return a note for its line. Options:
 * - `modes`: the modes it runs in (all three unless named);
 * - `page`: 'loaded' (default: the page is open and ready), 'blank' (a page that has not
 *   navigated yet) or 'none' (the test opens its own pages and contexts);
 * - `quiet`: it measures time, so no other page loads while it runs;
 * - `timeout`: milliseconds before it counts as hung (2 minutes unless named).
 */
export function test(name, options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  for (const m of options.modes || ALL_MODES) {
    if (!MODES[m]) throw new Error(`${name}: no mode ${m}`);
  }
  registered.push({ name, fn, modes: options.modes || ALL_MODES, page: options.page || 'loaded', quiet: !!options.quiet, timeout: options.timeout || 120000 });
}

/** Registers a test that needs no browser, run once as `[group] name`. */
export function nodeTest(group, name, fn) {
  registered.push({ name: `[${group}] ${name}`, fn, modes: null, page: 'none', quiet: false, timeout: 120000 });
}

/** Every registered test, expanded over its modes: the tests without a browser first, then each
 * mode's tests in the order they were registered. */
export function allTests() {
  const out = registered.filter((t) => t.modes === null).map((t) => ({ ...t, mode: null }));
  for (const m of ALL_MODES) {
    for (const t of registered) {
      if (t.modes && t.modes.includes(m)) out.push({ ...t, name: `[${m}] ${t.name}`, mode: MODES[m] });
    }
  }
  return out;
}

// ---------- the runner ----------

/**
 * Runs `tests` one after the other and prints one line for each. While a test runs, the next
 * one's page is opened and loaded, so that a fresh page for every test costs little time; a
 * `quiet` test runs alone, for its timings. Returns `{ passed, failed }`.
 */
export async function runTests(env, tests) {
  let passed = 0;
  let failed = 0;
  let ahead = null;
  // The closing of each finished test's contexts, awaited at the end.
  const closing = [];
  for (let i = 0; i < tests.length; i++) {
    const t = tests[i];
    const ready = ahead && ahead.test === t ? ahead.ready : prepare(env, t);
    ahead = null;
    const prepared = await ready;
    const next = tests[i + 1];
    if (next && !t.quiet) ahead = { test: next, ready: prepare(env, next) };
    // A quiet test waits until the contexts of the tests before it are closed.
    if (t.quiet) await Promise.all(closing);
    const t0 = Date.now();
    let error = prepared.error;
    let note;
    if (!error) {
      try {
        note = await withTimeout(t.fn(prepared.fixture || {}), t.timeout, t.name);
      } catch (e) {
        error = e;
      }
    }
    const problems = prepared.fixture ? await prepared.fixture.finish() : [];
    if (prepared.fixture) closing.push(prepared.fixture.closed);
    const ms = Date.now() - t0;
    if (!error && problems.length) error = new Error(`the page's guards saw:\n${problems.join('\n')}`);
    if (error) {
      failed++;
      const msg = (error && error.stack ? error.stack : String(error)).split('\n').slice(0, 6).join('\n       ');
      const more = problems.length && error.message && !error.message.startsWith("the page's guards") ? `\n       and the page's guards saw: ${problems.join('; ')}` : '';
      console.log(`FAIL ${t.name} (${ms} ms): ${msg}${more}`);
    } else {
      passed++;
      console.log(`ok   ${t.name} (${ms} ms)${note ? ': ' + note : ''}`);
    }
  }
  if (ahead) {
    const { fixture } = await ahead.ready;
    if (fixture) closing.push(fixture.finish().then(() => fixture.closed));
  }
  await Promise.all(closing);
  return { passed, failed };
}

/** The fixture of test `t`, its page loaded when it asks for one; never rejects. */
async function prepare(env, t) {
  if (!t.mode) return { fixture: null };
  const fixture = new Fixture(env, t.mode);
  try {
    await fixture.start(t.page);
    return { fixture };
  } catch (error) {
    return { fixture, error: new Error(`the fixture could not open the page: ${error.message}`) };
  }
}

function withTimeout(promise, ms, name) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no result after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// ---------- the environment: one browser and one local server for all tests ----------

/** Starts the local server and the browser that every test shares. */
export async function startEnvironment(chromium) {
  const server = await serve(dirname(PAGE));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const urls = { file: FILE_URL, http: `${server.origin}/${encodeURIComponent(basename(PAGE))}`, offline: FILE_URL };
  let tags = 0;
  return {
    server,
    browser,
    urlOf: (mode) => urls[mode.name],
    nextTag: () => `t${++tags}`,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Serves the files of `dir` on 127.0.0.1 at a free port and records every request, with the
 * `x-hybridcheck-test` header that names the test whose context made it.
 */
export async function serve(dir) {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url, tag: req.headers['x-hybridcheck-test'] || null });
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(normalize(dir + sep))) {
      res.writeHead(403).end();
      return;
    }
    let body;
    try {
      if (!statSync(path).isFile()) throw new Error('not a file');
      body = readFileSync(path);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = path.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

// ---------- the fixture ----------

/**
 * What one test gets: `page` (its own, in `context`), `mode` (with its `url`), the shared
 * `browser`, and what the guards recorded (`blocked`, `requests`, `csp`, `errors`, `dialogs`,
 * `popups`, `crashed`). Every context it makes is guarded: anything that is neither the file nor
 * the served page is stopped and recorded, and so are WebSockets; CSP violations, script errors,
 * dialogs, popups and crashes of every page in it are recorded. `finish` closes everything and
 * returns what the guards saw, which fails the test.
 */
export class Fixture {
  constructor(env, mode) {
    this.env = env;
    this.browser = env.browser;
    this.server = env.server;
    this.mode = { ...mode, url: env.urlOf(mode), screenshot: mode.name === 'file', large: mode.name === 'file' };
    this.tag = env.nextTag();
    this.contexts = [];
    this.pages = [];
    this.blocked = [];
    this.requests = [];
    this.csp = [];
    this.errors = [];
    this.dialogs = [];
    this.popups = [];
    this.crashed = false;
    this.page = null;
    this.context = null;
  }

  async start(page) {
    this.served = this.server.requests.length;
    if (page === 'none') return;
    this.context = await this.newContext();
    this.page = await this.context.newPage();
    if (page === 'loaded') await this.load(this.page);
  }

  /** A new guarded context with the mode's options (and `options` over them). */
  async newContext(options = {}) {
    const { mode, server } = this;
    const context = await this.browser.newContext({
      viewport: VIEWPORT,
      acceptDownloads: true,
      offline: !!mode.offline,
      colorScheme: 'light',
      reducedMotion: 'reduce',
      // Names this test to the local server, which sees the requests of every test.
      extraHTTPHeaders: { 'x-hybridcheck-test': this.tag },
      ...options,
    });
    this.contexts.push(context);
    // http: the served origin; file: every origin, since a file's origin has no name to grant to.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'],
      mode.url.startsWith('http') ? { origin: server.origin } : undefined).catch(() => {});
    // Anything that is neither the file nor the served page is network (http, https, ws, wss or
    // any other scheme): stop it and remember it. blob: and data: URLs name memory of the page
    // itself (the worker's script is a blob: URL), so they are not network.
    await context.route((url) => !this.isLocal(url), (route) => {
      this.blocked.push(route.request().url());
      return route.abort();
    });
    await context.routeWebSocket(() => true, (ws) => {
      this.blocked.push(ws.url());
      return ws.close();
    });
    context.on('request', (r) => this.requests.push(r.url()));
    // A violation is reported at once, so that one in a page that is reloaded or closed counts.
    await context.exposeBinding('__hybridcheckCspViolation', (_source, line) => { this.csp.push(line); });
    await context.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        const line = `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`;
        window.__csp.push(line);
        window.__hybridcheckCspViolation(line);
      });
    });
    context.on('page', (page) => this.watch(page));
    return context;
  }

  /** A context without the guards, for a test of the guards themselves; closed with the test. */
  async unguardedContext(options = {}) {
    const context = await this.browser.newContext(options);
    this.contexts.push(context);
    return context;
  }

  watch(page) {
    this.pages.push(page);
    page.on('popup', (p) => this.popups.push(p.url()));
    page.on('crash', () => { this.crashed = true; });
    page.on('pageerror', (e) => this.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(`console: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      this.dialogs.push(d.message());
      d.dismiss().catch(() => {});
    });
  }

  /** Opens the page in `page` (from `this.mode.url`) and waits until it is ready. */
  async load(page) {
    await page.goto(this.mode.url);
    await page.waitForSelector('html[data-state=ready]', { timeout: 10000 });
  }

  async reload(page) {
    await page.reload();
    await page.waitForSelector('html[data-state=ready]', { timeout: 10000 });
  }

  /** Memory of the page itself, not network: the file, the served page, blob: and data: URLs. */
  isLocal(url) {
    return url.protocol === 'file:' || url.protocol === 'blob:' || url.protocol === 'data:' || url.href.startsWith(this.server.origin + '/');
  }

  /** The requests the local server saw from this test's contexts (and any without a name since it started). */
  serverRequests() {
    return this.server.requests.slice(this.served).filter((r) => r.tag === this.tag || r.tag === null).map((r) => r.url);
  }

  /** Requests of this test's contexts other than the page itself. */
  extraRequests() {
    const pageUrls = new Set([this.mode.url, FILE_URL]);
    return this.requests.filter((u) => !pageUrls.has(u) && !u.startsWith('blob:'));
  }

  /** What the guards saw that must not happen, one line each. */
  problems() {
    const out = [];
    const show = (what, list) => { if (list.length) out.push(`${what}: ${JSON.stringify(list)}`); };
    show('requests to other origins', this.blocked);
    show('requests other than the page', this.extraRequests());
    const toServer = this.serverRequests();
    if (this.mode.url.startsWith('http')) {
      show('requests to the local server other than the page', toServer.filter((u) => u !== new URL(this.mode.url).pathname));
    } else {
      show('requests to the local server', toServer);
    }
    show('Content-Security-Policy violations', this.csp);
    show('script errors', this.errors);
    show('dialogs', this.dialogs);
    show('popups', this.popups);
    if (this.crashed) out.push('the page crashed');
    return out;
  }

  /**
   * Returns what the guards saw, and starts closing every context of the test: the closing is
   * left in `this.closed`, so that the next test need not wait for it.
   */
  async finish() {
    // One more turn of each page's event loop, for a violation that is still being reported.
    await Promise.all(this.pages.filter((p) => !p.isClosed()).map((p) => p.evaluate(() => new Promise((r) => setTimeout(r, 0))).catch(() => {})));
    const problems = this.problems();
    this.closed = Promise.all(this.contexts.map((c) => c.close().catch(() => {})));
    return problems;
  }
}

// ---------- assertions ----------

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function assertEqual(actual, expected, what) {
  if (actual !== expected) {
    const show = (v) => {
      const s = JSON.stringify(v);
      return s && s.length > 400 ? `${s.slice(0, 400)}... (${s.length} chars)` : s;
    };
    throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

// ---------- inputs ----------

/** Decodes a fixture the way a person's clipboard would hold it. */
export function decodeText(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

/** The text of a sample in tests/fixtures/samples, decoded. */
export function sampleText(file) {
  return decodeText(readFileSync(join(SAMPLES, file)));
}

export function readDownload(path) {
  return readFileSync(path, 'utf8');
}

// ---------- the page ----------

/** The number of checks the page has rendered so far. */
export async function checks(page) {
  return Number((await page.getAttribute('html', 'data-checks')) || 0);
}

/** Waits until the page has rendered a check after `before` and is idle. */
export async function waitChecked(page, before, timeout = 10000) {
  await page.waitForFunction(
    (n) => Number(document.documentElement.getAttribute('data-checks') || 0) > n &&
      document.documentElement.getAttribute('data-state') === 'ready',
    before,
    { timeout, polling: 20 },
  );
}

/** Replaces the textarea's text as a paste would, and waits for the results. */
export async function pasteText(page, text) {
  const before = await checks(page);
  await page.locator('[data-testid=input]').fill(text);
  await waitChecked(page, before);
}

/** Clicks Load example, and confirms when the page asks before replacing the user's text. */
export async function loadExample(page) {
  const before = await checks(page);
  await page.click('#load-example');
  if (await page.isVisible('[data-testid=example-confirm]')) await page.click('#example-replace');
  await waitChecked(page, before);
}

/** What the finding cards say. */
export async function cards(page) {
  return page.$$eval('[data-testid=finding]', (els) =>
    els.map((e) => ({ rule: e.getAttribute('data-rule'), identity: e.getAttribute('data-identity') })));
}

export async function diagnosticCodes(page) {
  return page.$$eval('[data-testid=diagnostic]', (els) => els.map((e) => e.getAttribute('data-code')));
}

/** Opens every finding card that starts collapsed. */
export async function openAllCards(page) {
  await page.$$eval('[data-testid=finding].collapsed .card-toggle', (buttons) => buttons.forEach((b) => b.click()));
}

/** The report the core gives for `text`, straight from the page's wasm. */
export async function coreCheck(page, text) {
  return page.evaluate((t) => {
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    return wasm_bindgen.check(t, today);
  }, text);
}

/** The report the core gives for the built-in example, checked as the example. */
export async function exampleCheck(page) {
  return page.evaluate(() => {
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    return wasm_bindgen.checkExample(today);
  });
}

/** Drops a file on the paste box through a synthetic DataTransfer. */
export async function dropFile(page, name, bytes) {
  const data = Array.from(bytes);
  const dt = await page.evaluateHandle(({ name, data }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], name, { type: 'text/plain' }));
    return transfer;
  }, { name, data });
  const target = page.locator('[data-testid=input]');
  await target.dispatchEvent('dragenter', { dataTransfer: dt });
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  await target.dispatchEvent('drop', { dataTransfer: dt });
  await dt.dispose();
}

/**
 * Fires the paste event a browser fires for Ctrl+V, carrying `text` (or, when `text` is
 * undefined, the page's `window[global]`), on the paste box. Only the page's own handler acts
 * on a synthetic event: the browser inserts nothing itself.
 */
export async function firePaste(page, text, global) {
  await page.evaluate(({ text, global }) => {
    const data = new DataTransfer();
    data.setData('text/plain', text === undefined ? window[global] : text);
    const box = document.getElementById('input');
    box.focus();
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, { text, global });
}

export async function readClipboard(page) {
  return page.evaluate(async () => {
    try {
      return { ok: true, text: await navigator.clipboard.readText() };
    } catch (e) {
      return { ok: false, error: String(e && e.message ? e.message : e) };
    }
  });
}

/** The axe-core rules' violations on the page as it is, each as `rule: N nodes (first target)`. */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.length} node(s), e.g. ${v.nodes[0].target.join(' ')} (${v.nodes[0].failureSummary.split('\n').slice(0, 2).join(' ')})`);
  });
  return violations;
}

/**
 * Starts watching the page's main thread: every long task (over 50 ms) that a
 * PerformanceObserver reports, and every gap over 50 ms between the beats of a 20 ms setInterval,
 * which also catches work that is not reported as a task (style and layout of a huge DOM,
 * garbage collection). It also notes when a paste event is dispatched: for a real Ctrl+V, the
 * browser reads the clipboard into a string in that event's own task, before any of the page's
 * code can act, so `stopStallMeter` reports that task apart (`pasteTaskMs`).
 */
export async function startStallMeter(page) {
  await page.evaluate(() => {
    const meter = { long: [], gaps: [], last: performance.now(), timer: 0, observer: null, pasteAt: null };
    meter.onPaste = () => { meter.pasteAt = performance.now(); };
    document.addEventListener('paste', meter.onPaste, true);
    if (typeof PerformanceObserver === 'function' && PerformanceObserver.supportedEntryTypes.includes('longtask')) {
      meter.observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) meter.long.push([e.startTime, e.startTime + e.duration]);
      });
      meter.observer.observe({ type: 'longtask' });
    }
    meter.timer = setInterval(() => {
      const now = performance.now();
      if (now - meter.last > 50) meter.gaps.push([meter.last, now]);
      meter.last = now;
    }, 20);
    window.__stallMeter = meter;
  });
}

/**
 * The longest stall since `startStallMeter`: `{ gapMs, longestTaskMs, longTasks, pasteTaskMs }`.
 * Stalls that contain the dispatch of a paste event count in `pasteTaskMs` only.
 */
export async function stopStallMeter(page) {
  return page.evaluate(async () => {
    const meter = window.__stallMeter;
    // One more beat, so that a stall that is still going on is counted.
    await new Promise((resolve) => setTimeout(resolve, 40));
    clearInterval(meter.timer);
    document.removeEventListener('paste', meter.onPaste, true);
    if (meter.observer) {
      for (const e of meter.observer.takeRecords()) meter.long.push([e.startTime, e.startTime + e.duration]);
      meter.observer.disconnect();
    }
    const now = performance.now();
    if (now - meter.last > 50) meter.gaps.push([meter.last, now]);
    const holdsPaste = ([from, to]) => meter.pasteAt !== null && from <= meter.pasteAt && meter.pasteAt <= to;
    const length = ([from, to]) => Math.round(to - from);
    const longest = (spans) => spans.reduce((max, span) => Math.max(max, length(span)), 0);
    const pasteTaskMs = Math.max(longest(meter.gaps.filter(holdsPaste)), longest(meter.long.filter(holdsPaste)));
    const gaps = meter.gaps.filter((s) => !holdsPaste(s));
    const long = meter.long.filter((s) => !holdsPaste(s));
    delete window.__stallMeter;
    return { gapMs: longest(gaps), longestTaskMs: longest(long), longTasks: long.map(length), pasteTaskMs };
  });
}
