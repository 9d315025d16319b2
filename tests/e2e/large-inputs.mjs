// Large inputs: where they are checked (the worker, or the page when there is none), how they
// are shown instead of in the box, that the page never stalls, that a newer input wins, and the
// caps on cards and stray lines. The timed tests run `quiet`: no other page loads meanwhile.
import {
  CONNECTOR_BLOCK, PASTE_TASK_LIMIT_MS, STALL_LIMIT_MS, assert, assertEqual, checks, coreCheck, firePaste, loadExample,
  pasteText, startStallMeter, stopStallMeter, test, waitChecked,
} from './helpers.mjs';
import { receiveConnectors } from './inputs.mjs';

/** Puts about `mb` MB of receive connectors in the page's `window.__hcBig` and returns its counts. */
function makeBig(page, mb, every) {
  return page.evaluate(receiveConnectors, { block: CONNECTOR_BLOCK, size: mb * 1024 * 1024, every, store: '__hcBig' });
}

test('a big paste shows its name, size and line count in the box\'s place, with Edit and Clear; Ctrl+Z after Clear brings it back', async ({ page }) => {
  const made = await makeBig(page, 2, 5);
  let before = await checks(page);
  await firePaste(page, undefined, '__hcBig');
  await waitChecked(page, before, 20000);
  const lines = await page.evaluate(() => wasm_bindgen.check(window.__hcBig).report.inputs[0].lines);
  assert(await page.isVisible('[data-testid=loaded]'), 'the loaded input is shown');
  assert(!(await page.isVisible('[data-testid=input]')), 'the box is not shown with a placeholder');
  const loaded = await page.textContent('[data-testid=loaded]');
  assert(loaded.includes('Pasted text'), `name: ${loaded}`);
  assert(loaded.includes('million characters'), `size: ${loaded}`);
  assert(loaded.includes(`${lines} lines`), `line count ${lines}: ${loaded}`);
  assert(await page.isVisible('#loaded-edit') && await page.isVisible('#loaded-clear'), 'Edit and Clear');
  // Clear, then Ctrl+Z in the empty box: the paste is back.
  await page.click('#loaded-clear');
  assertEqual(await page.inputValue('[data-testid=input]'), '', 'cleared');
  assertEqual(await page.locator('[data-testid=finding]').count(), 0, 'no cards after Clear');
  before = await checks(page);
  await page.keyboard.press('ControlOrMeta+Z');
  await waitChecked(page, before, 20000);
  assert(await page.isVisible('[data-testid=loaded]'), 'the paste is back');
  assertEqual(await page.textContent('#findings-heading'), `Findings (${made.affected})`, 'its findings are back');
  // Edit puts the text in the box.
  before = await checks(page);
  await page.click('#loaded-edit');
  await waitChecked(page, before, 20000);
  assert(await page.isVisible('[data-testid=input]'), 'the box is back');
  assert(await page.evaluate(() => document.getElementById('input').value === window.__hcBig.replace(/\r\n?/g, '\n')), 'the box holds the paste');
});

test('a large paste is checked in the worker, which has the page\'s CSP', async ({ page }) => {
  const made = await makeBig(page, 2, 5);
  const before = await checks(page);
  await firePaste(page, undefined, '__hcBig');
  await waitChecked(page, before, 20000);
  const timing = await page.evaluate(() => window.hybridcheckTiming);
  assertEqual(timing.where, 'worker', 'where the check ran');
  assertEqual(await page.textContent('#findings-heading'), `Findings (${made.affected})`, 'findings');
  assertEqual(await page.inputValue('[data-testid=input]'), '', 'a large paste is not put in the box');
  const source = await page.textContent('[data-testid=loaded]');
  assert(source.includes('Pasted text') && /too large to show/i.test(source), `in the box's place: ${source}`);
  // The worker runs under the page's policy: wasm, but no eval and no connection. (eval runs
  // from a timer: code that the test tool evaluates directly is exempt from the policy.)
  const workers = page.workers();
  assertEqual(workers.length, 1, 'workers');
  const inside = await workers[0].evaluate(async () => {
    const violations = [];
    self.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const later = (f) => new Promise((resolve) => setTimeout(() => resolve(f()), 0));
    const out = {
      scheme: self.location.protocol,
      checker: typeof wasm_bindgen.check,
      wasm: await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => 'compiled', (e) => e.name),
      eval: await later(() => { try { return String(eval('1 + 1')); } catch (e) { return e.name; } }),
      fetch: await fetch('http://192.0.2.1/from-the-worker').then(() => 'sent', (e) => e.name),
    };
    await new Promise((resolve) => setTimeout(resolve, 50));
    out.violations = violations.sort();
    return out;
  });
  assertEqual(JSON.stringify(inside), JSON.stringify({
    scheme: 'blob:', checker: 'function', wasm: 'compiled', eval: 'EvalError', fetch: 'TypeError', violations: ['connect-src', 'script-src'],
  }), 'inside the worker');
  // The worker stays ready for the next input: the example comes back through it.
  await loadExample(page);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=finding]').length === 2);
  return `${(made.length / 1048576).toFixed(1)} MiB: ${made.affected} findings in ${timing.total_ms.toFixed(0)} ms (check ${timing.check_ms.toFixed(0)} ms in the worker)`;
});

test('a 10 MB paste stays responsive: capped cards, Show more, no per-keystroke checks', { modes: ['file'], quiet: true }, async ({ page }) => {
  const r = await page.evaluate(async () => {
    const ex = wasm_bindgen.example();
    const big = ex.repeat(Math.ceil((10 * 1024 * 1024) / ex.length));
    let t0 = performance.now();
    const res = wasm_bindgen.check(big);
    const coreMs = performance.now() - t0;
    const findings = res.report.findings.length;
    const ta = document.getElementById('input');
    const before = Number(document.documentElement.getAttribute('data-checks'));
    ta.focus();
    ta.dispatchEvent(new Event('paste', { bubbles: true }));
    t0 = performance.now();
    ta.value = big;
    const setMs = performance.now() - t0;
    t0 = performance.now();
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    const checkingShown = document.getElementById('verdict').textContent;
    await new Promise((resolve) => {
      const tick = () => (Number(document.documentElement.getAttribute('data-checks')) > before ? resolve() : setTimeout(tick, 10));
      tick();
    });
    const uiMs = performance.now() - t0;
    return {
      chars: big.length, coreMs, uiMs, setMs, findings, checkingShown, timing: window.hybridcheckTiming,
      cards: document.querySelectorAll('[data-testid=finding]').length,
      nodes: document.getElementsByTagName('*').length,
      unrecognized: document.querySelectorAll('#unrecognized-list li').length,
    };
  });
  assert(r.findings > 1000, `expected thousands of findings, got ${r.findings}`);
  assertEqual(r.checkingShown, 'Checking\u2026', 'status while checking');
  assertEqual(r.cards, 50, 'cards rendered at first');
  // 50 cards (their bodies collapsed but built, for print) and the overview's first 100 rows.
  assert(r.nodes < 8500, `${r.nodes} DOM elements`);
  assert(await page.isVisible('#more-findings'), 'Show more visible');
  await page.click('#more-findings');
  assertEqual(await page.locator('[data-testid=finding]').count(), 100, 'cards after Show more');
  // Typing in a large input does not re-check; Check now does.
  const before = await checks(page);
  await page.focus('[data-testid=input]');
  await page.keyboard.press('End');
  await page.keyboard.type('x');
  await page.waitForTimeout(300);
  assertEqual(await checks(page), before, 'no check per keystroke');
  assert(await page.isVisible('#check-now'), 'Check now offered');
  const t0 = Date.now();
  await page.click('#check-now');
  await waitChecked(page, before, 30000);
  const again = Date.now() - t0;
  // A 10 MB file dropped: checked from its bytes, not shown in the box.
  const dropped = await page.evaluate(async () => {
    const ex = wasm_bindgen.example();
    const file = new File([ex.repeat(Math.ceil((10 * 1024 * 1024) / ex.length))], 'big-transcript.txt');
    const transfer = new DataTransfer();
    transfer.items.add(file);
    const before = Number(document.documentElement.getAttribute('data-checks'));
    const t0 = performance.now();
    document.getElementById('input').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    await new Promise((resolve) => {
      const tick = () => (Number(document.documentElement.getAttribute('data-checks')) > before ? resolve() : setTimeout(tick, 10));
      tick();
    });
    return { ms: performance.now() - t0, box: document.getElementById('input').value.length, source: document.getElementById('loaded').textContent };
  });
  assertEqual(dropped.box, 0, 'a 10 MB file is not copied into the box');
  assert(dropped.source.includes('big-transcript.txt') && /too large to show/i.test(dropped.source), `source line: ${dropped.source}`);
  assertEqual(await page.locator('[data-testid=finding]').count(), 50, 'cards after the drop');
  console.log(`     10 MB file dropped: drop-to-results ${dropped.ms.toFixed(0)} ms`);
  console.log(`     10 MB paste: ${(r.chars / 1048576).toFixed(1)} MiB, ${r.findings} findings; ` +
    `wasm check() ${r.coreMs.toFixed(0)} ms; textarea.value = 10 MB ${r.setMs.toFixed(0)} ms; input-to-results ${r.uiMs.toFixed(0)} ms ` +
    `(check ${r.timing.check_ms.toFixed(0)} ms + render ${r.timing.render_ms.toFixed(0)} ms); Check now ${again} ms; ${r.nodes} DOM elements`);
  return `check() ${r.coreMs.toFixed(0)} ms, input-to-results ${r.uiMs.toFixed(0)} ms`;
});

test('a newer input stops the check of an older one', { modes: ['file'], quiet: true }, async ({ page }) => {
  await makeBig(page, 40, 3);
  const before = await checks(page);
  await firePaste(page, undefined, '__hcBig');
  await page.evaluate(() => { window.__hcBig = null; });
  // Long enough for the check to be under way in the worker, much shorter than it takes.
  await page.waitForTimeout(300);
  assertEqual(await page.getAttribute('html', 'data-state'), 'checking', 'state while checking');
  assertEqual(await page.textContent('#verdict'), 'Checking\u2026', 'status while checking');
  assertEqual(page.workers().length, 1, 'the worker at work');
  // The page stays usable: Clear gives the box back at once, and typing goes into it.
  await page.click('#loaded-clear');
  await page.click('[data-testid=input]');
  await page.keyboard.type('typed while checking');
  assertEqual(await page.inputValue('[data-testid=input]'), 'typed while checking', 'the box takes typing');
  await waitChecked(page, before);
  assertEqual(await page.locator('[data-testid=finding]').count(), 0, 'the typed text has no findings');
  assertEqual(await page.textContent('#verdict'), (await coreCheck(page, 'typed while checking')).report.summary.verdict, 'verdict of the typed text');
  const n = await checks(page);
  await page.waitForTimeout(3000); // longer than the 40 MB check would take
  assertEqual(await checks(page), n, 'no result of the older input arrived later');
  assertEqual(await page.locator('[data-testid=finding]').count(), 0, 'the cards are still those of the typed text');
  assertEqual(page.workers().length, 0, 'the busy worker was stopped');
});

test('without a worker (an old browser, or one refused), large inputs are checked on the page', { modes: ['file'] }, async (fixture) => {
  const notes = [];
  for (const [how, stub] of [
    ['new Worker throws', () => { window.Worker = function () { throw new DOMException('refused by the test', 'SecurityError'); }; }],
    ['the worker fails to load', () => {
      window.Worker = function () {
        setTimeout(() => this.onerror && this.onerror({ message: 'refused by the test', preventDefault() {} }), 20);
      };
      window.Worker.prototype.postMessage = function () {};
      window.Worker.prototype.terminate = function () {};
    }],
  ]) {
    // A page of its own in the test's guarded context, so the guards watch it too.
    const p = await fixture.context.newPage();
    const problems = [];
    p.on('pageerror', (e) => problems.push(e.message));
    await p.addInitScript(stub);
    await fixture.load(p);
    const made = await makeBig(p, 2, 5);
    const before = await checks(p);
    await firePaste(p, undefined, '__hcBig');
    await waitChecked(p, before, 20000);
    const timing = await p.evaluate(() => window.hybridcheckTiming);
    assertEqual(timing.where, 'page', `${how}: where the check ran`);
    assertEqual(await p.textContent('#findings-heading'), `Findings (${made.affected})`, `${how}: findings`);
    await p.close();
    assertEqual(JSON.stringify(problems), '[]', `${how}: script errors`);
    notes.push(`${how}: ${made.affected} findings in ${timing.total_ms.toFixed(0)} ms`);
  }
  return notes.join('; ');
});

for (const mb of [10, 50]) {
  test(`${mb} MB of Get-ReceiveConnector output, dropped as a file and pasted: results, and no stall over ${STALL_LIMIT_MS} ms`, { modes: ['file'], quiet: true, timeout: 240000 }, async (fixture) => {
    const { page } = fixture;
    const made = await makeBig(page, mb, 4);
    const expectResults = async (how) => {
      assertEqual(await page.textContent('#findings-heading'), `Findings (${made.affected})`, `${how}: findings`);
      assertEqual(await page.locator('[data-testid=finding]').count(), 50, `${how}: cards shown at first`);
      assert((await page.textContent('#counts')).includes(`${made.connectors} ReceiveConnector`), `${how}: connectors counted`);
      assertEqual(await page.inputValue('[data-testid=input]'), '', `${how}: nothing put in the box`);
      assert(!fixture.crashed && (await page.evaluate(() => 1 + 1)) === 2, `${how}: the page is alive`);
    };
    const notes = [];
    const measure = async (how, act) => {
      const before = await checks(page);
      await startStallMeter(page);
      const t0 = Date.now();
      await act();
      await waitChecked(page, before, 60000);
      const ms = Date.now() - t0;
      const stall = await stopStallMeter(page);
      const timing = await page.evaluate(() => window.hybridcheckTiming);
      const line = `${how} to results ${ms} ms (check ${timing.check_ms.toFixed(0)} ms in the ${timing.where}), ` +
        `longest main-thread stall ${stall.gapMs} ms (longest task ${stall.longestTaskMs} ms, the browser's paste task ${stall.pasteTaskMs} ms)`;
      console.log(`     ${mb} MB (${made.connectors} connectors, ${made.affected} affected): ${line}`);
      assert(stall.gapMs < STALL_LIMIT_MS && stall.longestTaskMs < STALL_LIMIT_MS, `${how}: the main thread stalled: ${JSON.stringify(stall)}`);
      assert(stall.pasteTaskMs < PASTE_TASK_LIMIT_MS, `${how}: the browser's paste task stalled: ${JSON.stringify(stall)}`);
      await expectResults(how);
      assertEqual(timing.where, 'worker', `${how}: where the check ran`);
      notes.push(`${how} ${ms} ms, stall ${stall.gapMs} ms`);
    };
    // The file is made before the clock starts: its making is the test's work, not the page's.
    await page.evaluate(() => {
      window.__hcDrop = new DataTransfer();
      window.__hcDrop.items.add(new File([window.__hcBig], 'receive-connectors.txt', { type: 'text/plain' }));
    });
    await measure('drop', () => page.evaluate(() => {
      document.getElementById('input').dispatchEvent(new DragEvent('drop', { dataTransfer: window.__hcDrop, bubbles: true, cancelable: true }));
      window.__hcDrop = null;
    }));
    assert((await page.textContent('[data-testid=loaded]')).includes('receive-connectors.txt'), 'the file is named');
    // The box is back after Clear, for the paste below.
    await page.click('#loaded-clear');
    // A real Ctrl+V: were the page not to take over a large paste, the browser would put it
    // in the box and stall for many seconds.
    const wrote = await page.evaluate(() => navigator.clipboard.writeText(window.__hcBig).then(() => true, () => false));
    assert(wrote, 'the clipboard takes the text');
    await page.focus('[data-testid=input]');
    await measure('Ctrl+V', () => page.keyboard.press('ControlOrMeta+V'));
    // The clipboard is the browser's, shared by every context: leave it small for the next test.
    await page.evaluate(() => navigator.clipboard.writeText('-'));
    return notes.join('; ');
  });
}

test('lines not understood: collapsed, 200 at first, Show more', { modes: ['file'] }, async ({ page }) => {
  const junk = Array.from({ length: 450 }, (_, i) => `junk line ${i} <b>not markup</b>`).join('\n');
  await pasteText(page, junk);
  const core = (await coreCheck(page, junk)).report;
  const area = page.locator('details[data-testid=unrecognized]');
  assertEqual(await area.evaluate((d) => d.open), false, 'collapsed');
  await area.locator('summary').click();
  const items = page.locator('#unrecognized-list li');
  assertEqual(await items.count(), Math.min(200, core.unrecognized.length), 'shown at first');
  assert((await items.first().innerText()).includes('<b>not markup</b>'), 'line text shown as text');
  assertEqual(await page.locator('#unrecognized-list b').count(), 0, 'no markup');
  while (await page.isVisible('#more-unrecognized')) await page.click('#more-unrecognized');
  assertEqual(await items.count(), core.unrecognized.length, 'all shown after Show more');
  return `${core.unrecognized.length} lines listed (summary says ${core.summary.unrecognized_lines})`;
});
