// Getting text into the page: pasting each sample, a real Ctrl+V, the file picker, a dropped
// file, Clear, Load example and undo. Each test checks that the page shows what the core says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACCEPTANCE, ACCEPTANCE_TEXT, DEFAULT_FRONTEND, RULE, SAMPLE_FILES, SAMPLES, UTF16_SAMPLE, assert, assertEqual, cards,
  checks, coreCheck, diagnosticCodes, dropFile, loadExample, pasteText, sampleText, test, waitChecked,
} from './helpers.mjs';

/** What each sample must show, by file-name prefix. */
const SAMPLE_EXPECTATIONS = {
  '01-': { findings: [DEFAULT_FRONTEND] },
  '01b-': { findings: [DEFAULT_FRONTEND] },
  '02-': { findings: [] },
  '03-': { findings: [], diagnostic: 'property-not-shown' },
  '04-': { findings: [DEFAULT_FRONTEND] },
  '05-': { diagnostic: 'values-lost-in-csv' },
};

for (const file of SAMPLE_FILES) {
  const prefix = Object.keys(SAMPLE_EXPECTATIONS).filter((p) => file.startsWith(p)).sort((a, b) => b.length - a.length)[0];
  const want = SAMPLE_EXPECTATIONS[prefix] || {};
  test(`paste ${file}`, async ({ page }) => {
    const text = sampleText(file);
    await pasteText(page, text);
    const core = (await coreCheck(page, text)).report;
    const got = await cards(page);
    // The page shows what the core says.
    assertEqual(JSON.stringify(got.map((c) => c.identity)),
      JSON.stringify(core.findings.slice(0, 50).map((f) => f.identity)), 'cards match the core report');
    assertEqual(JSON.stringify(await diagnosticCodes(page)), JSON.stringify(core.diagnostics.slice(0, 50).map((d) => d.code)), 'diagnostics match the core report');
    assertEqual(await page.textContent('#verdict'), core.summary.verdict, 'verdict');
    // And the core says what the sample needs.
    if (want.findings) {
      assertEqual(JSON.stringify(got.map((c) => c.identity)), JSON.stringify(want.findings), 'findings');
      assert(got.every((c) => c.rule === RULE), 'rule');
    }
    if (want.diagnostic) {
      const codes = await diagnosticCodes(page);
      assert(codes.includes(want.diagnostic), `diagnostic ${want.diagnostic} not shown; shown: ${JSON.stringify(codes)}`);
      const li = page.locator(`[data-testid=diagnostic][data-code="${want.diagnostic}"]`).first();
      assert((await li.innerText()).includes('What to do instead'), 'diagnostic shows its hint');
    }
    if (core.unrecognized.length) {
      const shown = await page.locator('#unrecognized-list li').count();
      assertEqual(shown, Math.min(200, core.unrecognized.length), 'unrecognized lines listed');
      assertEqual(await page.locator('details[data-testid=unrecognized]').evaluate((d) => d.open), false, 'collapsed');
    }
    return `${got.length} finding(s), diagnostics ${JSON.stringify(core.diagnostics.map((d) => d.code))}`;
  });
}

test('the acceptance transcript of issue 4 shows exactly the findings of its expected.json', async ({ page }) => {
  const want = JSON.parse(readFileSync(join(ACCEPTANCE, 'expected.json'), 'utf8'));
  await pasteText(page, ACCEPTANCE_TEXT);
  assertEqual(JSON.stringify(await cards(page)), JSON.stringify(want.findings.map((f) => ({ rule: f.rule, identity: f.identity }))),
    'rule and identity of each card');
  const shown = await page.$$eval('[data-testid=finding]', (els) => els.map((e) => ({
    line: Number((e.querySelector('.finding-meta').textContent.match(/input line (\d+)/) || [])[1]),
    severity: e.className.match(/sev-(\w+)/)[1],
    safety: e.querySelector('[data-safety]').getAttribute('data-safety'),
    commands: Array.from(e.querySelectorAll('[data-testid=commands] pre code'), (c) => c.textContent),
    verify: Array.from(e.querySelectorAll('[data-testid=verify] pre code'), (c) => c.textContent),
    rollback: Array.from(e.querySelectorAll('[data-testid=rollback] pre code'), (c) => c.textContent),
  })));
  want.findings.forEach((f, i) => {
    for (const key of ['line', 'severity', 'safety', 'commands', 'verify', 'rollback']) {
      assertEqual(JSON.stringify(shown[i][key]), JSON.stringify(f[key]), `${key} of finding ${i + 1} (${f.identity})`);
    }
  });
  assertEqual(JSON.stringify(await diagnosticCodes(page)), JSON.stringify(want.diagnostics.map((d) => d.code || d)), 'diagnostics');
  return `${want.findings.length} findings: ${want.findings.map((f) => f.rule).join(', ')}`;
});

test('a real paste (Ctrl+V) over the example replaces it', async ({ page }) => {
  const text = sampleText(SAMPLE_FILES[0]);
  const wrote = await page.evaluate((t) => navigator.clipboard.writeText(t).then(() => true, () => false), text);
  if (!wrote) return 'clipboard not writable here; skipped';
  await page.click('[data-testid=input]', { position: { x: 60, y: 120 } });
  const before = await checks(page);
  await page.keyboard.press('ControlOrMeta+V');
  await waitChecked(page, before);
  // A textarea keeps line ends as LF.
  assertEqual(await page.inputValue('[data-testid=input]'), text.replace(/\r\n?/g, '\n'), 'the box holds exactly the paste');
  assertEqual(JSON.stringify((await cards(page)).map((c) => c.identity)), JSON.stringify([DEFAULT_FRONTEND]), 'findings');
});

/** The page after the UTF-16 sample was read from a file: its finding, its name and encoding. */
async function expectUtf16Result(page) {
  const got = await cards(page);
  assertEqual(JSON.stringify(got), JSON.stringify([{ rule: RULE, identity: DEFAULT_FRONTEND }]), 'finding cards');
  const source = page.locator('[data-testid=input-source]');
  assertEqual(await source.getAttribute('data-encoding'), 'utf-16le-bom', 'encoding reported');
  const text = await source.innerText();
  assert(text.includes(UTF16_SAMPLE) && text.includes('UTF-16'), `file name and encoding shown: ${text}`);
  assert((await page.inputValue('[data-testid=input]')).includes(DEFAULT_FRONTEND), 'decoded text shown in the box');
}

test(`choose ${UTF16_SAMPLE} with the file picker`, async ({ page }) => {
  await page.locator('[data-testid=input]').fill('');
  const before = await checks(page);
  await page.setInputFiles('[data-testid=file]', join(SAMPLES, UTF16_SAMPLE));
  await waitChecked(page, before);
  await expectUtf16Result(page);
});

test(`drop ${UTF16_SAMPLE} on the paste box`, async ({ page }) => {
  await page.locator('[data-testid=input]').fill('');
  const before = await checks(page);
  await dropFile(page, UTF16_SAMPLE, readFileSync(join(SAMPLES, UTF16_SAMPLE)));
  await waitChecked(page, before);
  await expectUtf16Result(page);
});

test('Clear empties the box and the results; Load example brings them back', async ({ page }) => {
  // From a paste with findings, so that Clear has something to take away.
  await pasteText(page, sampleText(SAMPLE_FILES[0]));
  assert((await cards(page)).length > 0, 'the paste has cards before Clear');
  await page.click('#clear');
  assertEqual(await page.inputValue('[data-testid=input]'), '', 'textarea');
  assertEqual(await page.locator('[data-testid=finding]').count(), 0, 'cards');
  assertEqual(await page.locator('[data-testid=diagnostic]').count(), 0, 'diagnostics');
  assert(!(await page.isVisible('[data-testid=script]')), 'script hidden');
  const before = await checks(page);
  await page.click('#load-example');
  await waitChecked(page, before);
  assertEqual((await cards(page)).length, 2, 'example cards');
});

test('Load example asks before replacing a paste; Clear then Ctrl+Z brings the paste back', async ({ page }) => {
  const example = await page.evaluate(() => wasm_bindgen.example());
  const text = sampleText(SAMPLE_FILES[0]).replace(/\r\n?/g, '\n');
  await page.click('#clear');
  await page.focus('[data-testid=input]');
  let before = await checks(page);
  await page.keyboard.insertText(text);
  await waitChecked(page, before);
  await page.click('#load-example');
  assert(await page.isVisible('[data-testid=example-confirm]'), 'the page asks');
  assertEqual(await page.inputValue('[data-testid=input]'), text, 'the paste is untouched while asking');
  await page.click('#example-keep');
  assert(!(await page.isVisible('[data-testid=example-confirm]')), 'the question is gone');
  assertEqual(await page.inputValue('[data-testid=input]'), text, 'Keep keeps the paste');
  before = await checks(page);
  await page.click('#load-example');
  await page.click('#example-replace');
  await waitChecked(page, before);
  assertEqual(await page.inputValue('[data-testid=input]'), example, 'Replace loads the example');
  // Ctrl+Z after Load example brings the paste back.
  before = await checks(page);
  await page.focus('[data-testid=input]');
  await page.keyboard.press('ControlOrMeta+Z');
  await waitChecked(page, before);
  assertEqual(await page.inputValue('[data-testid=input]'), text, 'Ctrl+Z after Load example');
  // Clear, then Ctrl+Z.
  await page.click('#clear');
  assertEqual(await page.inputValue('[data-testid=input]'), '', 'Clear empties the box');
  before = await checks(page);
  await page.keyboard.press('ControlOrMeta+Z');
  await waitChecked(page, before);
  assertEqual(await page.inputValue('[data-testid=input]'), text, 'Ctrl+Z after Clear brings the paste back, not the example');
  assertEqual(JSON.stringify((await cards(page)).map((c) => c.identity)), JSON.stringify([DEFAULT_FRONTEND]), 'and its findings');
  // Nothing to lose: the example loads without a question.
  await page.click('#clear');
  await page.click('#load-example');
  assert(!(await page.isVisible('[data-testid=example-confirm]')), 'no question over an empty box');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=finding]').length === 2);
});
