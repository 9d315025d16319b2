// What the results say and how they are copied: the summary, a finding card, every count, the
// overview of many findings, advisory wording, and the Copy buttons (exact text, and the
// selection fallback without the clipboard API).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  A4_CONTENT, ACCEPTANCE_TEXT, ROOT, RULE, VIEWPORT, assert, assertEqual, coreCheck, decodeText, exampleCheck, loadExample,
  openAllCards, pasteText, readClipboard, test,
} from './helpers.mjs';
import { LEGACY_ENTRY, commandTranscript, manyConnectors, xssTranscript } from './inputs.mjs';

test('summary is a polite live region with objects and findings per severity', async ({ page }) => {
  const s = page.locator('[data-testid=summary]');
  assertEqual(await s.getAttribute('role'), 'status', 'role');
  assertEqual(await s.getAttribute('aria-live'), 'polite', 'aria-live');
  const text = await s.innerText();
  for (const part of ['2 problems to fix.', '4 ReceiveConnector', '2 errors', '0 warnings', '0 info']) {
    assert(text.includes(part), `summary lacks ${JSON.stringify(part)}: ${JSON.stringify(text)}`);
  }
});

test('first finding card shows severity, evidence, preferred route, commands, safety, references', async ({ page }) => {
  const card = page.locator('[data-testid=finding]').first();
  const f = (await exampleCheck(page)).report.findings[0];
  const text = await card.innerText();
  assert(/error/i.test(await card.locator('.sev-badge').innerText()), 'severity word');
  assert(text.includes(f.message), 'message');
  assert(text.includes(f.evidence[0].property) && text.includes(f.evidence[0].value), 'evidence');
  assert(text.includes(f.remediation.preferred), 'preferred route');
  assert(text.toLowerCase().includes(f.remediation.status.toLowerCase()), 'safety in the report\'s words');
  for (const [id, list] of [['commands', f.remediation.commands], ['verify', f.remediation.verify], ['rollback', f.remediation.rollback]]) {
    const codes = await card.locator(`[data-testid=${id}] pre code`).allTextContents();
    assertEqual(JSON.stringify(codes), JSON.stringify(list), `${id} list`);
  }
  for (const note of f.remediation.notes) assert(text.includes(note), `note ${note}`);
  const links = await card.locator('a[href]').evaluateAll((as) => as.map((a) => [a.href, a.rel, a.target]));
  assertEqual(links.length, f.references.length, 'reference links');
  for (const [href, rel, target] of links) {
    assert(f.references.some((r) => r.url === href), `link ${href}`);
    assert(rel.split(' ').includes('noreferrer') && target === '_blank', `link attributes of ${href}`);
  }
  await card.locator('details.why summary').click();
  const rules = await page.evaluate(() => wasm_bindgen.rules());
  const why = rules.find((r) => r.id === RULE).why_it_matters.replace(/`/g, '');
  assert((await card.innerText()).includes(why), 'why it matters');
});

test('Copy puts the exact fix command on the clipboard', async ({ page }) => {
  const want = (await exampleCheck(page)).report.findings[0].remediation.commands[0];
  await page.evaluate(() => navigator.clipboard.writeText('-')).catch(() => {});
  await page.locator('[data-testid=finding]').first().locator('[data-testid=commands] button', { hasText: 'Copy' }).first().click();
  await page.waitForFunction(() => /Copied|Selected/.test(document.getElementById('announcer').textContent));
  const announced = await page.textContent('#announcer');
  const read = await readClipboard(page);
  if (read.ok) {
    assertEqual(read.text, want, 'clipboard text');
    return `read back; announced ${JSON.stringify(announced)}`;
  }
  assertEqual(announced, 'Copied', 'announcement');
  return `clipboard not readable here (${read.error}); see the fallback check`;
});

test('Copy all and the script and collector Copy buttons copy exact text', async ({ page }) => {
  const exampleResult = await exampleCheck(page);
  const f = exampleResult.report.findings[0];
  const card = page.locator('[data-testid=finding]').first();
  const parts = await page.evaluate(() => wasm_bindgen.collector());
  assertEqual(JSON.stringify(parts.map((p) => p.side)), JSON.stringify(['on-premises', 'each-server', 'exchange-online']), 'collector parts');
  const expectations = [
    [card.locator('[data-testid=verify] button', { hasText: 'Copy all' }), f.remediation.verify.join('\n')],
    [page.locator('#copy-script'), exampleResult.script],
  ];
  for (const part of parts) {
    assertEqual(await page.textContent(`#collector-code-${part.side}`), part.script, `collector part ${part.side} shown`);
    expectations.push([page.locator(`#copy-collector-${part.side}`), part.script]);
  }
  const collector = parts.map((p) => p.script).join('\n');
  for (const cmd of ['$FormatEnumerationLimit = -1', 'Get-ReceiveConnector | Format-List Identity,Server,TransportRole,Enabled,Bindings,RemoteIPRanges',
    'Get-SendConnector', 'Get-HybridConfiguration | Format-List', 'Get-ExchangeCertificate', 'Get-ExchangeServer', 'Get-InboundConnector', 'Get-OutboundConnector']) {
    assert(collector.includes(cmd), `collector lacks ${cmd}`);
  }
  assertEqual(await page.textContent('[data-testid=script]'), exampleResult.script, 'script shown');
  let readable = true;
  for (const [button, want] of expectations) {
    await page.evaluate(() => { document.getElementById('announcer').textContent = ''; });
    await button.click();
    await page.waitForFunction(() => /Copied|Selected/.test(document.getElementById('announcer').textContent));
    const read = await readClipboard(page);
    if (read.ok) assertEqual(read.text, want, 'clipboard text');
    else readable = false;
  }
  return readable ? 'read back' : 'clipboard not readable here';
});

test('without the clipboard API, Copy selects exactly the command', async ({ page }) => {
  const want = (await exampleCheck(page)).report.findings[1].remediation.rollback[0];
  await page.evaluate(() => {
    Object.defineProperty(navigator.clipboard, 'writeText', {
      configurable: true, value: () => Promise.reject(new Error('blocked by the test')),
    });
    document.getElementById('announcer').textContent = '';
  });
  await page.locator('[data-testid=finding]').nth(1).locator('[data-testid=rollback] button', { hasText: 'Copy' }).first().click();
  await page.waitForFunction(() => /Copied|Selected/.test(document.getElementById('announcer').textContent));
  const selected = await page.evaluate(() => String(window.getSelection()));
  assertEqual(selected, want, 'selected text');
  return `announced ${JSON.stringify(await page.textContent('#announcer'))}`;
});

test('commands wrap: no command box is cut or scrolls, at 1366 and 360 px and in print; copy stays exact', async ({ page }) => {
  const text = commandTranscript();
  const core = (await coreCheck(page, text)).report;
  await pasteText(page, text);
  await openAllCards(page);
  const notes = [];
  for (const [width, media] of [[1366, null], [360, null], [A4_CONTENT.width, 'print']]) {
    await page.setViewportSize({ width, height: 800 });
    await page.emulateMedia({ media });
    const boxes = await page.$$eval('[data-testid=finding] .cmd pre, [data-testid=diagnostic] .cmd pre', (pres) =>
      pres.map((p) => ({ text: p.textContent, scroll: p.scrollWidth, client: p.clientWidth, lines: Math.round(p.getBoundingClientRect().height) })));
    const cut = boxes.filter((b) => b.scroll > b.client + 1);
    assertEqual(JSON.stringify(cut.map((b) => b.text.slice(0, 60))), '[]', `command boxes cut at ${width} px (${media})`);
    notes.push(`${width} px ${media || 'screen'}: ${boxes.length} boxes`);
  }
  await page.emulateMedia({ media: null });
  await page.setViewportSize(VIEWPORT);
  const shown = await page.$$eval('[data-testid=finding] [data-testid=commands] pre code', (cs) => cs.map((c) => c.textContent));
  assertEqual(JSON.stringify(shown), JSON.stringify(core.findings.flatMap((f) => f.remediation.commands)), 'the text of the boxes is the commands');
  // A long value is wrapped, not hidden: the last characters of the longest command are on screen.
  const longest = core.findings.flatMap((f) => f.remediation.rollback).sort((a, b) => b.length - a.length)[0];
  assert(longest.length > 150, 'a long rollback');
  return notes.join('; ');
});

test('a fix of several lines is one block with one Copy button, whole in Copy all and in the overview', async ({ page }) => {
  const text = commandTranscript();
  const core = (await coreCheck(page, text)).report;
  await pasteText(page, text);
  await openAllCards(page);
  const cardsShown = await page.$$eval('[data-testid=finding]', (els) => els.map((e) => ({
    blocks: Array.from(e.querySelectorAll('[data-testid=commands] pre'), (p) => p.textContent),
    buttons: e.querySelectorAll('[data-testid=commands] .cmd button').length,
  })));
  let several = 0;
  core.findings.forEach((f, i) => {
    assertEqual(JSON.stringify(cardsShown[i].blocks), JSON.stringify(f.remediation.commands), `blocks of card ${i + 1}`);
    assertEqual(cardsShown[i].buttons, f.remediation.commands.length, `one Copy button per block, card ${i + 1}`);
    several += f.remediation.commands.filter((c) => c.includes('\n')).length;
  });
  assert(several > 0, 'a fix of several lines is among them');
  // The overview's "copy all fixes" has every block whole.
  const i = core.findings.findIndex((f) => f.remediation.commands.some((c) => c.includes('\n')));
  const rule = core.findings[i].rule;
  const button = page.locator(`[data-testid=overview-group][data-rule="${rule}"] [data-testid=copy-rule-fixes]`);
  await page.evaluate(() => { document.getElementById('announcer').textContent = ''; });
  await button.click();
  await page.waitForFunction(() => /Copied|Selected/.test(document.getElementById('announcer').textContent));
  const read = await readClipboard(page);
  if (!read.ok) return `${several} blocks of several lines; clipboard not readable here`;
  const want = core.findings.filter((f) => f.rule === rule).flatMap((f) => f.remediation.commands).join('\n\n');
  assertEqual(read.text, want, 'copy all fixes for this rule');
  return `${several} blocks of several lines, each whole`;
});

test('300 affected connectors: overview first (sortable, filterable, grouped by rule, copy all fixes), cards collapsed after the first 3', async ({ page }) => {
  const text = await page.evaluate(manyConnectors, { entry: LEGACY_ENTRY, count: 300 });
  const core = (await coreCheck(page, text)).report;
  assertEqual(core.findings.length, 300, 'findings');
  await pasteText(page, text);
  const order = await page.evaluate(() => {
    const o = document.querySelector('[data-testid=overview]');
    const f = document.getElementById('findings');
    return o && !o.hidden && (o.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
  });
  assert(order, 'the overview comes before the cards');
  const groups = await page.$$eval('[data-testid=overview-group]', (gs) => gs.map((g) => g.getAttribute('data-rule')));
  assertEqual(JSON.stringify(groups), JSON.stringify([...new Set(core.findings.map((f) => f.rule))]), 'one group per rule');
  const rows = page.locator('[data-testid=overview-row]');
  assertEqual(await rows.count(), 100, 'rows shown at first');
  const firstRow = await rows.first().locator('td').allTextContents();
  assertEqual(firstRow[0], core.findings[0].identity, 'object');
  assertEqual(firstRow[1], core.findings[0].server, 'server');
  assertEqual(firstRow[3], core.findings[0].remediation.status, 'fix status, in the report\'s words');
  // Sort by object, descending on the second click.
  const sort = page.locator('[data-testid=overview-group] button[data-sort=identity]').first();
  await sort.click();
  await sort.click();
  const sorted = [...core.findings.map((f) => f.identity)].sort((a, b) => b.toLowerCase().localeCompare(a.toLowerCase()));
  assertEqual(await rows.first().locator('td').first().textContent(), sorted[0], 'sorted descending');
  assertEqual(await page.getAttribute('[data-testid=overview-group] th:first-child', 'aria-sort'), 'descending', 'aria-sort');
  // Filter.
  await page.fill('[data-testid=overview-filter]', 'X123');
  assertEqual(await rows.count(), 1, 'filtered rows');
  assert((await rows.first().textContent()).includes('X123'), 'the matching row');
  assert((await page.textContent('#overview-shown')).startsWith('1 of 300'), 'filter count');
  await page.fill('[data-testid=overview-filter]', '');
  await page.selectOption('[data-testid=overview-severity]', 'info');
  assertEqual(await rows.count(), 0, 'no info rows');
  await page.selectOption('[data-testid=overview-severity]', '');
  // Copy all fixes of the rule.
  await page.evaluate(() => { document.getElementById('announcer').textContent = ''; });
  await page.click('[data-testid=copy-rule-fixes]');
  await page.waitForFunction(() => /Copied|Selected/.test(document.getElementById('announcer').textContent));
  const read = await readClipboard(page);
  if (read.ok) assertEqual(read.text, core.findings.flatMap((f) => f.remediation.commands).join('\n\n'), 'all fixes of the rule');
  // Cards: the first 3 open, the others collapsed; a row opens its card.
  const states = await page.$$eval('[data-testid=finding]', (els) => els.map((e) => e.classList.contains('collapsed')));
  assertEqual(states.slice(0, 4).join(), 'false,false,false,true', 'collapsed after the first 3');
  assert(states.slice(3).every(Boolean), 'all later cards collapsed');
  const height = await page.locator('[data-testid=finding]').nth(10).evaluate((e) => e.getBoundingClientRect().height);
  const open = await page.locator('[data-testid=finding]').first().evaluate((e) => e.getBoundingClientRect().height);
  assert(height < open / 3, `a collapsed card is ${height} px high, an open one ${open} px`);
  await page.locator('[data-testid=overview-row] a').nth(99).click();
  const focused = await page.evaluate(() => document.activeElement.closest('[data-testid=finding]'));
  const opened = await page.evaluate(() => {
    const card = document.activeElement.closest('[data-testid=finding]');
    return card && { id: card.id, collapsed: card.classList.contains('collapsed') };
  });
  assert(focused !== null && opened && !opened.collapsed, `the row's card is open and focused: ${JSON.stringify(opened)}`);
  return `${await page.locator('[data-testid=finding]').count()} cards rendered; row 100 opened ${opened.id}`;
});

test('every count agrees with what is shown: verdict, its colour, counts, cards and notes', async ({ page }) => {
  const symptomDir = join(ROOT, 'tests', 'fixtures', 'rule-symptom-triggers-ndr-alone');
  const symptom = readdirSync(symptomDir).find((f) => f.startsWith('input'));
  const inputs = {
    acceptance: ACCEPTANCE_TEXT,
    garbage: 'this is not shell output\nnor is this\n',
    'symptom only': decodeText(readFileSync(join(symptomDir, symptom))),
    hostile: xssTranscript(),
    // The example last, loaded over a paste (the page asks, and the test says replace).
    example: null,
  };
  const notes = [];
  for (const [what, text] of Object.entries(inputs)) {
    let core;
    if (text === null) {
      await loadExample(page);
      core = (await exampleCheck(page)).report;
    } else {
      await pasteText(page, text);
      core = (await coreCheck(page, text)).report;
    }
    const s = core.summary;
    assertEqual(await page.textContent('#verdict'), s.verdict, `${what}: verdict`);
    assertEqual(await page.textContent('#counts'), s.counts, `${what}: counts`);
    assertEqual(await page.getAttribute('#summary', 'class'), `summary verdict-${s.tone}`, `${what}: verdict colour`);
    const cardCount = await page.locator('[data-testid=finding]').count();
    const total = s.findings.error + s.findings.warning + s.findings.info;
    assertEqual(Math.min(total, 50), cardCount, `${what}: cards`);
    assertEqual(s.problems, s.findings.error + s.findings.warning, `${what}: problems`);
    const severities = await page.$$eval('[data-testid=diagnostic]', (els) => els.map((e) => e.className.match(/sev-(\w+)/)[1]));
    for (const sev of ['error', 'warning', 'info']) {
      assertEqual(severities.filter((x) => x === sev).length, Math.min(s.diagnostics[sev], 50), `${what}: ${sev} notes`);
      const cardsOf = await page.locator(`[data-testid=finding].sev-${sev}`).count();
      assertEqual(cardsOf, Math.min(s.findings[sev], 50), `${what}: ${sev} cards`);
    }
    if (severities.includes('error')) assertEqual(s.tone, 'error', `${what}: an error note makes the verdict red`);
    notes.push(`${what}: ${s.tone}`);
  }
  return notes.join(', ');
});

test('advisory findings say what to do, neutrally; no raw ids; no doubled "Preferred"; evidence as pasted', async ({ page }) => {
  await pasteText(page, ACCEPTANCE_TEXT);
  const core = (await coreCheck(page, ACCEPTANCE_TEXT)).report;
  await openAllCards(page);
  const advisory = core.findings.map((f, i) => [f, i]).filter(([f]) => f.remediation.safety === 'unavailable');
  assert(advisory.length > 0, 'the acceptance transcript has advisory findings');
  const errorColour = await page.evaluate(() => {
    const probe = document.createElement('span');
    probe.className = 'sev-badge sev-badge-error';
    document.body.appendChild(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  for (const [f, i] of advisory) {
    const card = page.locator('[data-testid=finding]').nth(i);
    const pill = card.locator('[data-safety]').locator('strong');
    const words = await pill.textContent();
    assertEqual(words, f.remediation.status, 'the report\'s words');
    assert(!/could not be generated|No command could/i.test(await card.innerText()), 'no failure wording');
    assert(await pill.evaluate((e) => getComputedStyle(e).color) !== errorColour, 'not red');
    assert((await card.innerText()).includes('What to do'), 'says what to do');
  }
  // The results as shown (the fix script is a file to review, whose comments name the rules).
  const text = await page.locator('#results-heading').evaluate((h) => {
    const section = h.closest('section').cloneNode(true);
    section.querySelector('#script-area').remove();
    return section.textContent;
  });
  for (const f of core.findings) assert(!text.includes(f.rule), `raw rule id ${f.rule} shown`);
  for (const d of core.diagnostics) assert(!text.includes(d.code), `raw code ${d.code} shown`);
  assert(!/Preferred:\s*Method 1 \(preferred/.test(text), 'Preferred repeated');
  // The Exchange 2010 warning quotes the entry in its Active Directory form: shown as pasted.
  const dir = join(ROOT, 'tests', 'fixtures', 'exchange-2010-warning-ad-raw-form');
  const raw = decodeText(readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('input')))));
  await pasteText(page, raw);
  const evidence = await page.$$eval('[data-testid=finding] .evidence-value', (els) => els.map((e) => e.textContent));
  assert(evidence.length > 0, 'evidence shown');
  for (const e of evidence) assert(raw.includes(e), `evidence not as pasted: ${e}`);
});

test('rules not run: one item per missing output, with its command and the rules it would let run', async ({ page }) => {
  const report = (await exampleCheck(page)).report;
  assert(report.rules_not_run.length > 0, 'the example lacks some pastes');
  const area = page.locator('[data-testid=rules-not-run]');
  assert(await area.isVisible(), 'the area is shown');
  assertEqual(await page.textContent('#not-run-summary'), `Rules not run (${report.rules_not_run.length})`, 'summary');
  await page.locator('#not-run-summary').click();
  const wanted = new Map();
  for (const r of report.rules_not_run) {
    for (const m of r.missing) {
      if (!wanted.has(m.kind)) wanted.set(m.kind, { command: m.command, rules: [] });
      wanted.get(m.kind).rules.push(r.rule);
    }
  }
  const items = area.locator('[data-testid=missing-paste]');
  assertEqual(await items.count(), wanted.size, 'one item per missing output');
  for (let i = 0; i < wanted.size; i++) {
    const item = items.nth(i);
    const want = wanted.get(await item.getAttribute('data-kind'));
    assert(want, 'an item for a kind the report lists');
    assertEqual(await item.locator('pre code').textContent(), want.command, 'the command, exactly');
    const text = await item.innerText();
    for (const rule of want.rules) assert(text.includes(rule), `item names ${rule}`);
  }
  return `${wanted.size} missing outputs`;
});
