// Times the one-file page in headless Chromium from file://, for `cargo xtask bench`
// (see xtask/src/bench.rs).
//
//     node tests/bench/page.mjs PAGE READY_RUNS PASTE_RUNS [PASTE_FILE...]
//
// Ready: a fresh browser context opens PAGE from file://; the time is performance.now() (from
// navigation start) at the first moment the page says data-state=ready with the example's finding
// cards in the DOM, and the next animation frame after that. Best of READY_RUNS.
// Paste: the file's text is pasted as a browser does it on Ctrl+V (a paste event carrying the
// text; unless the page takes the paste over, the text into the box and an input event), timed to
// the first finding card of that check. Best of PASTE_RUNS per file.
//
// Results go to standard output, one line each:
//     result browser version=...
//     result ready best_ms=X runs_ms=A,B,... frame_ms=X dcl_ms=X   (of the best run; dcl is
//                                                                  domContentLoadedEventEnd)
//     result paste NAME chars=N best_ms=X runs_ms=A,B,C sync_ms=X check_ms=X render_ms=X cards=N
// where sync_ms is the paste event (and the value and input events, when the page lets the text into
// the box), and check_ms and render_ms are the page's own split (window.hybridcheckTiming); the rest
// is the handing of the text to the page's worker and back, and the browser's layout.
// Progress goes to standard error.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [pageArg, readyRunsArg, pasteRunsArg, ...pasteFiles] = process.argv.slice(2);
if (!pageArg || !readyRunsArg || !pasteRunsArg) {
  console.error('usage: node tests/bench/page.mjs PAGE READY_RUNS PASTE_RUNS [PASTE_FILE...]');
  process.exit(2);
}
const url = pathToFileURL(resolve(pageArg)).href;
const readyRuns = Number(readyRunsArg);
const pasteRuns = Number(pasteRunsArg);
const CHROMIUM = process.env.HYBRIDCHECK_CHROMIUM || '/usr/bin/chromium';

// Installed before the page's own script: notes when the page first shows a rendered result.
function watchReady() {
  window.__bench = { ready: null, frame: null };
  const seen = () => {
    if (window.__bench.ready !== null) return;
    const html = document.documentElement;
    if (html && html.getAttribute('data-state') === 'ready' && document.querySelector('[data-testid=finding]')) {
      window.__bench.ready = performance.now();
      requestAnimationFrame(() => { window.__bench.frame = performance.now(); });
    }
  };
  new MutationObserver(seen).observe(document, { subtree: true, childList: true, attributes: true });
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
});
const fmt = (v) => (typeof v === 'number' ? v.toFixed(3) : 'NaN');
const ms = (v) => (typeof v === 'number' ? `${v.toFixed(1)} ms` : 'not reported');
try {
  console.log(`result browser version=${browser.version().replace(/\s+/g, '_')}`);

  const ready = [];
  let bestFrame = null;
  let bestDcl = null;
  for (let i = 0; i < readyRuns; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(watchReady);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => window.__bench && window.__bench.frame !== null, null, { timeout: 20000, polling: 10 });
    if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);
    const r = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return { ...window.__bench, dcl: nav ? nav.domContentLoadedEventEnd : NaN };
    });
    ready.push(r.ready);
    if (r.ready === Math.min(...ready)) {
      bestFrame = r.frame;
      bestDcl = r.dcl;
    }
    console.error(`     page load ${i + 1}/${readyRuns}: DOMContentLoaded ${r.dcl.toFixed(1)} ms, ready ${r.ready.toFixed(1)} ms, next frame ${r.frame.toFixed(1)} ms`);
    await context.close();
  }
  console.log(`result ready best_ms=${fmt(Math.min(...ready))} runs_ms=${ready.map(fmt).join(',')} frame_ms=${fmt(bestFrame)} dcl_ms=${fmt(bestDcl)}`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('html[data-state=ready]', { timeout: 20000 });
  for (const file of pasteFiles) {
    const name = basename(file);
    await page.evaluate((text) => { window.__benchText = text; }, readFileSync(file, 'utf8'));
    const runs = [];
    let best = null;
    for (let i = 0; i < pasteRuns; i++) {
      // Back to the example, as a person who opens the page and pastes would start.
      await page.click('#load-example');
      await page.waitForSelector('html[data-state=ready]');
      const r = await page.evaluate(() => new Promise((done) => {
        const html = document.documentElement;
        const before = Number(html.getAttribute('data-checks') || 0);
        const box = document.getElementById('input');
        let t0 = 0;
        let sync = 0;
        const observer = new MutationObserver(() => {
          if (Number(html.getAttribute('data-checks') || 0) > before && document.querySelector('[data-testid=finding]')) {
            const ms = performance.now() - t0;
            observer.disconnect();
            done({ ms, sync, timing: window.hybridcheckTiming || {}, cards: document.querySelectorAll('[data-testid=finding]').length });
          }
        });
        observer.observe(document, { subtree: true, childList: true, attributes: true });
        box.focus();
        t0 = performance.now();
        // What a browser does on Ctrl+V: a paste event that carries the text; unless the page
        // takes the paste over (it does above 1 MiB), the text goes into the box, then input.
        const data = new DataTransfer();
        data.setData('text/plain', window.__benchText);
        const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
        if (box.dispatchEvent(paste)) {
          box.value = window.__benchText;
          box.dispatchEvent(new Event('input', { bubbles: true }));
        }
        sync = performance.now() - t0;
      }));
      runs.push(r.ms);
      if (r.ms === Math.min(...runs)) best = r;
      console.error(`     paste ${name} ${i + 1}/${pasteRuns}: ${r.ms.toFixed(1)} ms (paste event ${ms(r.sync)}, check ${ms(r.timing.check_ms)}, render ${ms(r.timing.render_ms)})`);
    }
    const chars = await page.evaluate(() => window.__benchText.length);
    console.log(`result paste ${name} chars=${chars} best_ms=${fmt(best.ms)} runs_ms=${runs.map(fmt).join(',')} ` +
      `sync_ms=${fmt(best.sync)} check_ms=${fmt(best.timing.check_ms)} render_ms=${fmt(best.timing.render_ms)} cards=${best.cards}`);
    await page.evaluate(() => { window.__benchText = null; });
  }
  await context.close();
} finally {
  await browser.close();
}
