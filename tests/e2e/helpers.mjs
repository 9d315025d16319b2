// Helpers for the browser tests: a static server, a tiny check runner, and page utilities.
import http from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';

/** Serves the files of `dir` on 127.0.0.1 at a free port and records every request. */
export async function serve(dir) {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url);
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

/** Runs named checks, printing one line each, and counts them. */
export class Runner {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.failures = [];
  }

  async check(name, fn) {
    // HYBRIDCHECK_E2E_ONLY=regex runs only the matching checks (the page-load check always runs):
    // for working on a few checks, never for a verdict.
    const only = process.env.HYBRIDCHECK_E2E_ONLY;
    if (only && !new RegExp(only).test(name) && !name.includes('page loads')) return;
    const t0 = Date.now();
    try {
      const note = await fn();
      this.passed++;
      console.log(`ok   ${name} (${Date.now() - t0} ms)${note ? ': ' + note : ''}`);
    } catch (e) {
      this.failed++;
      this.failures.push(name);
      const msg = (e && e.stack ? e.stack : String(e)).split('\n').slice(0, 4).join('\n       ');
      console.log(`FAIL ${name} (${Date.now() - t0} ms): ${msg}`);
    }
  }
}

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

/** Decodes a fixture the way a person's clipboard would hold it. */
export function decodeText(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

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

/** What the finding cards say. */
export async function cards(page) {
  return page.$$eval('[data-testid=finding]', (els) =>
    els.map((e) => ({ rule: e.getAttribute('data-rule'), identity: e.getAttribute('data-identity') })));
}

export async function diagnosticCodes(page) {
  return page.$$eval('[data-testid=diagnostic]', (els) => els.map((e) => e.getAttribute('data-code')));
}

/** The report the core gives for `text`, straight from the page's wasm. */
export async function coreCheck(page, text) {
  return page.evaluate((t) => {
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    return wasm_bindgen.check(t, today);
  }, text);
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

export function readDownload(path) {
  return readFileSync(path, 'utf8');
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
