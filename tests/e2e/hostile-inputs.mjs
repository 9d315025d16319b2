// Hostile inputs: markup and script in every place the report shows a pasted value stays text,
// and names built to steer a command are copied exactly as the report quotes them.
import { assert, assertEqual, cards, coreCheck, openAllCards, pasteText, readClipboard, test } from './helpers.mjs';
import { COMMAND_PAYLOADS, LEGACY_ENTRY, XSS_PAYLOADS, commandTranscript, xssTranscript } from './inputs.mjs';

test('markup in an identity stays text', async (fixture) => {
  const { page } = fixture;
  const identity = 'EX01\\<img src=x onerror=alert(1)>';
  const text = [
    `Identity              : ${identity}`,
    'TransportRole         : FrontendTransport',
    `TlsDomainCapabilities : {${LEGACY_ENTRY}}`,
    'TlsCertificateName    : ',
    '',
  ].join('\r\n');
  await pasteText(page, text);
  const got = await cards(page);
  assertEqual(got.length, 1, 'one finding');
  assertEqual(got[0].identity, identity, 'data-identity');
  const card = page.locator('[data-testid=finding]').first();
  assert((await card.innerText()).includes(identity), 'card text shows the identity');
  assertEqual(await card.locator('[data-testid=commands] code').first().textContent(),
    (await coreCheck(page, text)).report.findings[0].remediation.commands[0], 'command');
  await page.waitForTimeout(100);
  assertEqual(await page.locator('img').count(), 0, 'img elements');
  assertEqual(fixture.dialogs.length, 0, 'dialogs');
});

test(`every Copy button on ${COMMAND_PAYLOADS.length} command-steering names copies exactly the report's command`, async ({ page }) => {
  const text = commandTranscript();
  const core = (await coreCheck(page, text)).report;
  // The copy buttons in the order the page shows them: per card, each list's "Copy all" (when
  // it has more than one command) and then each command; per diagnostic, each command.
  const want = [];
  for (const f of core.findings) {
    for (const list of [f.remediation.commands, f.remediation.verify, f.remediation.rollback]) {
      if (list.length > 1) want.push(list.join('\n'));
      want.push(...list);
    }
  }
  for (const d of core.diagnostics) want.push(...d.commands);
  assert(core.findings.filter((f) => f.remediation.safety === 'safe').length >= 2, 'full-list fixes are among them');
  assert(core.findings.some((f) => f.remediation.commands.some((c) => c.includes('\n'))), 'a multi-line fix is among them');
  assert(core.findings.some((f) => f.rule === 'exo-send-connector' && f.remediation.commands.length), 'a send connector fix is among them');
  assert(core.diagnostics.some((d) => d.commands.length), 'a hint with commands is among them');
  await pasteText(page, text);
  await openAllCards(page);
  const buttons = page.locator('[data-testid=finding] .cmd-list button, [data-testid=diagnostic] .hint-cmd button');
  assertEqual(await buttons.count(), want.length, 'copy buttons');
  let read = 0;
  for (let i = 0; i < want.length; i++) {
    await page.evaluate(() => { document.getElementById('announcer').textContent = ''; return navigator.clipboard.writeText('-'); }).catch(() => {});
    await buttons.nth(i).click();
    await page.waitForFunction(() => /Copied|Selected/.test(document.getElementById('announcer').textContent));
    const got = await readClipboard(page);
    if (!got.ok) continue;
    assertEqual(got.text, want[i], `clipboard after button ${i + 1} (${await buttons.nth(i).getAttribute('aria-label')})`);
    read++;
  }
  return `${want.length} buttons, ${read} read back from the clipboard`;
});

test(`${XSS_PAYLOADS.length} markup and script payloads as identities, comments, certificate names, capabilities and stray lines stay text`, async (fixture) => {
  const { page } = fixture;
  const text = xssTranscript();
  const core = (await coreCheck(page, text)).report;
  assertEqual(core.findings.length, XSS_PAYLOADS.length, 'the core finds every payload connector');
  const elements = () => page.evaluate(() => {
    const count = {};
    for (const e of document.querySelectorAll('*')) count[e.localName] = (count[e.localName] || 0) + 1;
    return count;
  });
  const before = await elements();
  const url = page.url();
  const violations = (await page.evaluate(() => window.__csp.length));
  await page.evaluate(() => { window.__pwned = false; });
  await pasteText(page, text);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await page.waitForTimeout(200); // time for an injected onerror, ontoggle or onfocus to fire
  const after = await elements();
  // No element of a kind the page does not make itself, and none of the dangerous kinds beyond the page's own.
  // The page's own kinds of element, whether or not the input before this one needed them.
  const own = ['table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'wbr', 'strong', 'code', 'pre', 'a'];
  for (const tag of Object.keys(after)) assert(tag in before || own.includes(tag), `a <${tag}> appeared`);
  for (const tag of ['img', 'svg', 'iframe', 'script', 'object', 'embed', 'math', 'form', 'meta', 'link', 'base', 'style', 'b', 'mi', 'body', 'textarea', 'input']) {
    assertEqual(after[tag] || 0, before[tag] || 0, `<${tag}> elements`);
  }
  const dom = await page.evaluate(() => {
    const out = { handlers: [], links: [] };
    for (const e of document.querySelectorAll('*')) {
      for (const a of e.attributes) if (/^on/i.test(a.name)) out.handlers.push(`${e.localName} ${a.name}`);
    }
    for (const a of document.querySelectorAll('a[href]')) out.links.push(a.getAttribute('href'));
    return out;
  });
  assertEqual(JSON.stringify(dom.handlers), '[]', 'event handler attributes');
  const rules = await page.evaluate(() => wasm_bindgen.rules());
  const known = new Set(rules.flatMap((r) => (r.references || []).map((ref) => ref.url))
    .concat(core.findings.flatMap((f) => (f.references || []).map((ref) => ref.url))));
  for (const href of dom.links) assert(href.startsWith('#') || known.has(href), `a link to ${href}`);
  assertEqual(page.url(), url, 'the page did not navigate');
  assertEqual(JSON.stringify(fixture.popups), '[]', 'popups');
  assertEqual(fixture.dialogs.length, 0, 'dialogs');
  assertEqual(await page.evaluate(() => window.__pwned), false, 'no payload ran');
  assertEqual(await page.evaluate(() => window.__csp.length), violations, 'no CSP violation (an injected handler or load would cause one)');
  // The payloads are shown as text where the report shows them.
  const shown = await page.$$eval('[data-testid=finding]', (els) => els.map((e) => ({
    identity: e.getAttribute('data-identity'),
    heading: e.querySelector('h4').textContent,
    text: e.textContent,
    commands: Array.from(e.querySelectorAll('[data-testid=commands] pre code, [data-testid=verify] pre code, [data-testid=rollback] pre code'), (c) => c.textContent),
  })));
  assertEqual(shown.length, core.findings.length, 'cards');
  // Hidden characters (a bidirectional override, a zero-width space) are shown as \u{...}.
  const visible = (texts) => page.evaluate((ts) => ts.map((x) => wasm_bindgen.shownText(x)), texts);
  const headings = await visible(core.findings.map((f) => f.identity));
  for (const [i, f] of core.findings.entries()) {
    assertEqual(shown[i].identity, f.identity, `data-identity of card ${i + 1}`);
    assertEqual(shown[i].heading, headings[i], `heading of card ${i + 1}`);
    for (const e of await visible(f.evidence.map((e) => e.value))) assert(shown[i].text.includes(e), `card ${i + 1} shows its evidence ${JSON.stringify(e)}`);
    const cmds = [...f.remediation.commands, ...f.remediation.verify, ...f.remediation.rollback];
    assertEqual(JSON.stringify(shown[i].commands), JSON.stringify(cmds), `commands of card ${i + 1}`);
  }
  XSS_PAYLOADS.forEach((p, i) => assert(shown[i].identity.endsWith(p), `payload ${i + 1} is in identity ${JSON.stringify(shown[i].identity)}`));
  const stray = await page.$$eval('#unrecognized-list .line-text', (els) => els.map((e) => e.textContent));
  assertEqual(JSON.stringify(stray), JSON.stringify(await visible(core.unrecognized.slice(0, 200).map((u) => u.text))), 'stray lines shown as text');
  for (const p of await visible(XSS_PAYLOADS)) assert(stray.includes(p), `stray line ${JSON.stringify(p)} shown`);
  const script = await page.textContent('[data-testid=script]');
  assertEqual(script, (await coreCheck(page, text)).script, 'fix script shown as text');
  return `${shown.length} cards, ${stray.length} stray lines, ${dom.links.length} links (all the catalog's)`;
});
