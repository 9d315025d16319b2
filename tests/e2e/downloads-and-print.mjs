// What leaves the page for a ticket: the three downloads (fix script, JSON and Markdown
// reports), what marks the example as the example, the header with date, inputs and version,
// and the printed page.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  A4_CONTENT, OUTPUT, SAMPLE_FILES, VIEWPORT, assert, assertEqual, coreCheck, exampleCheck, loadExample, pasteText, readDownload,
  sampleText, test,
} from './helpers.mjs';

/** Clicks each download button in `ids` and returns each file's name and text (without a BOM). */
async function download(page, ids) {
  const got = {};
  for (const id of ids) {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.click(`#${id}`)]);
    got[id] = { name: dl.suggestedFilename(), text: readDownload(await dl.path()) };
  }
  return got;
}

const DOWNLOADS = ['download-ps1', 'download-json', 'download-md'];

test('downloads: fix script, JSON report, Markdown report', async ({ page }) => {
  const exampleResult = await exampleCheck(page);
  const got = await download(page, DOWNLOADS);
  assertEqual(got['download-ps1'].name, 'hybridcheck-example-fix.ps1', 'file name');
  assertEqual(got['download-json'].name, 'hybridcheck-example-report.json', 'file name');
  assertEqual(got['download-md'].name, 'hybridcheck-example-report.md', 'file name');
  assertEqual(got['download-ps1'].text.replace(/^\ufeff/, ''), exampleResult.script, 'script download');
  const report = JSON.parse(got['download-json'].text);
  assertEqual(report.schema, 'hybridcheck/1', 'schema');
  assertEqual(report.findings.length, 2, 'findings in the JSON');
  assertEqual(JSON.stringify(report), JSON.stringify(exampleResult.report), 'JSON equals the report');
  assertEqual(got['download-md'].text, exampleResult.markdown, 'markdown download');
});

test('the example is labelled as the example in every view and download; its script starts with a throw', async ({ page }) => {
  const example = await page.evaluate(() => wasm_bindgen.example());
  const r = (await exampleCheck(page)).report;
  assertEqual(r.example, true, 'the report says example');
  assert(await page.isVisible('[data-testid=example-flag]'), 'the example flag is shown');
  assert((await page.textContent('#verdict')).startsWith('Built-in example'), 'the verdict says example');
  const tags = await page.$$eval('[data-testid=finding]', (els) => els.map((e) => e.querySelector('.example-tag') !== null));
  assertEqual(JSON.stringify(tags), JSON.stringify(r.findings.map(() => true)), 'every card is tagged');
  const files = await download(page, DOWNLOADS);
  const got = {};
  for (const id of DOWNLOADS) {
    assert(files[id].name.startsWith('hybridcheck-example-'), `file name ${files[id].name}`);
    got[id] = files[id].text.replace(/^\ufeff/, '');
  }
  assert(/^throw '[^\n]*example/.test(got['download-ps1']), `the script's first statement throws: ${got['download-ps1'].split('\n')[0]}`);
  assertEqual(JSON.parse(got['download-json']).example, true, 'the JSON says example');
  assert(got['download-md'].startsWith('# hybridcheck report: the built-in example'), 'the Markdown says example');
  // The same text pasted is the user's, not the example.
  await pasteText(page, example + '\n');
  assert(!(await page.isVisible('[data-testid=example-flag]')), 'no example flag on a paste');
  assertEqual((await coreCheck(page, example)).report.example, false, 'a paste is not the example');
});

test('downloads and the Markdown report carry the check date, the input names and the tool version', async ({ page }) => {
  const text = sampleText(SAMPLE_FILES[0]);
  await pasteText(page, text);
  const core = await coreCheck(page, text);
  const today = core.report.checked_on;
  assert(/^\d{4}-\d{2}-\d{2}$/.test(today), `checked_on ${today}`);
  const files = await download(page, DOWNLOADS);
  const got = Object.fromEntries(DOWNLOADS.map((id) => [id, files[id].text.replace(/^\ufeff/, '')]));
  const json = JSON.parse(got['download-json']);
  assertEqual(json.checked_on, today, 'JSON date');
  assertEqual(json.inputs[0].name, 'paste', 'JSON input name');
  assert(json.tool.version && json.example === false, 'JSON version and not the example');
  const header = `Checked on ${today} by hybridcheck ${json.tool.version}`;
  for (const id of ['download-ps1', 'download-md']) {
    assert(got[id].includes(header) && got[id].includes('input: paste ('), `${id} lacks the header: ${got[id].slice(0, 300)}`);
  }
  assertEqual(await page.textContent('[data-testid=print-header]'), core.header, 'the printed header');
  assert(core.header.startsWith(header), `header ${core.header}`);
});

test('print / PDF for a ticket: results first, header, paste box and instructions hidden, two findings on one A4 page', async ({ page, mode }) => {
  // Load example over a paste, as an admin coming back to the example would.
  await pasteText(page, sampleText(SAMPLE_FILES[0]));
  await loadExample(page);
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize(A4_CONTENT);
  const layout = await page.evaluate(() => {
    window.scrollTo(0, 0);
    const visible = (sel) => { const e = document.querySelector(sel); return !!e && e.getClientRects().length > 0; };
    const cards = Array.from(document.querySelectorAll('[data-testid=finding]'), (c) => c.getBoundingClientRect());
    const header = document.getElementById('print-header');
    return {
      input: visible('.column-input'), about: visible('.about'), script: visible('#script-area'),
      header: visible('#print-header') ? header.textContent : null,
      headerTop: header.getBoundingClientRect().top, verdictTop: document.getElementById('verdict').getBoundingClientRect().top,
      secondBottom: cards[1] && cards[1].bottom + window.scrollY,
      buttons: Array.from(document.querySelectorAll('[data-testid=finding] button')).filter((b) => b.getClientRects().length).length,
    };
  });
  const result = await exampleCheck(page);
  assertEqual(layout.input, false, 'the paste box and the instructions are hidden');
  assertEqual(layout.about, false, 'the about section is hidden');
  assertEqual(layout.header, result.header, 'the header: date, tool version, inputs');
  assert(result.header.includes(result.report.checked_on) && result.header.includes(result.report.tool.version) && result.header.includes('built-in example'), result.header);
  assert(layout.headerTop < layout.verdictTop && layout.verdictTop < 200, `results first (verdict at ${layout.verdictTop} px)`);
  assertEqual(layout.buttons, 0, 'no buttons printed');
  await page.emulateMedia({ media: null });
  await page.setViewportSize(VIEWPORT);
  assert(layout.secondBottom <= A4_CONTENT.height, `two findings end at ${Math.round(layout.secondBottom)} px, beyond the first A4 page (${A4_CONTENT.height} px)`);
  // Chromium's own PDF printing: A4 pages, the example on few of them.
  const pdf = await page.pdf({ format: 'A4' });
  mkdirSync(OUTPUT, { recursive: true });
  writeFileSync(join(OUTPUT, `print-${mode.name}.pdf`), pdf);
  const pages = Number((pdf.toString('latin1').match(/\/Type\s*\/Pages\b[^>]*\/Count (\d+)/) || [])[1] || 0);
  assert(pdf.subarray(0, 5).toString() === '%PDF-' && pages >= 1 && pages <= 3, `${pages} PDF pages`);
  return `two findings end at ${Math.round(layout.secondBottom)} of ${A4_CONTENT.height} px; PDF of ${pages} page(s)`;
});
