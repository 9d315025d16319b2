// The page for everyone: axe-core on three kinds of results, the keyboard (every control by
// Tab, in order, with a visible focus), labels and landmarks, narrow windows and dark mode.
import {
  SAMPLE_FILES, VIEWPORT, assert, assertEqual, axeViolations, loadExample, openAllCards, pasteText, sampleText, test,
} from './helpers.mjs';
import { LEGACY_ENTRY, commandTranscript, manyConnectors, xssTranscript } from './inputs.mjs';

for (const [what, make] of [['the example', null], ['300 affected connectors', 'many'], ['the hostile corpus', 'hostile']]) {
  test(`axe-core: no violations on ${what}`, async ({ page }) => {
    if (make === null) {
      // The example as loaded by the button, over a paste.
      await pasteText(page, sampleText(SAMPLE_FILES[0]));
      await loadExample(page);
    } else if (make === 'hostile') {
      await pasteText(page, xssTranscript() + '\r\n' + commandTranscript());
    } else {
      const text = await page.evaluate(manyConnectors, { entry: LEGACY_ENTRY, count: 300 });
      await pasteText(page, text);
      assertEqual(await page.locator('[data-testid=finding]').count(), 50, 'cards');
    }
    const found = [];
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
      await openAllCards(page);
      found.push(...(await axeViolations(page)).map((v) => `${scheme}: ${v}`));
    }
    assert(found.length === 0, `axe-core violations:\n         ${found.join('\n         ')}`);
  });
}

test('keyboard: Tab from the top reaches every control, in document order', async ({ page }) => {
  const total = await page.evaluate(() => {
    window.__seen = [];
    document.querySelectorAll('[data-tabseen]').forEach((e) => e.removeAttribute('data-tabseen'));
    return document.querySelectorAll('a[href], button, input, textarea, select, summary, [tabindex]').length;
  });
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.locator('.skip-link').focus();
  const seen = [];
  for (let i = 0; i < total + 10; i++) {
    const id = await page.evaluate(() => {
      const a = document.activeElement;
      if (!a || a === document.body) return null;
      if (!a.hasAttribute('data-tabseen')) a.setAttribute('data-tabseen', String(window.__seen.length));
      window.__seen.push(a);
      return a.getAttribute('data-tabseen');
    });
    if (id !== null) seen.push(id);
    if (id !== null && seen.indexOf(id) !== seen.length - 1) break; // wrapped around
    await page.keyboard.press('Tab');
  }
  const result = await page.evaluate(() => {
    const visible = (e) => e.checkVisibility({ visibilityProperty: true }) && !e.closest('[hidden], [inert]') &&
      !(e.closest('details:not([open])') && !(e.tagName === 'SUMMARY' && e.parentElement.closest('details:not([open])') === e.parentElement));
    const interactive = Array.from(document.querySelectorAll('a[href], button, input, textarea, select, summary, [tabindex="0"]'))
      .filter((e) => !e.disabled && visible(e));
    const describe = (e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} "${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40)}"`;
    const missed = interactive.filter((e) => !e.hasAttribute('data-tabseen')).map(describe);
    // Order: the first visit of each control follows document order.
    const order = window.__seen.filter((e, i) => window.__seen.indexOf(e) === i);
    let outOfOrder = null;
    for (let i = 1; i < order.length; i++) {
      if (order[i - 1].compareDocumentPosition(order[i]) & Node.DOCUMENT_POSITION_PRECEDING) {
        outOfOrder = `${describe(order[i - 1])} before ${describe(order[i])}`;
        break;
      }
    }
    return { count: interactive.length, missed, outOfOrder, first: describe(order[0]) };
  });
  assertEqual(JSON.stringify(result.missed), '[]', 'controls never reached by Tab');
  assertEqual(result.outOfOrder, null, 'tab order');
  assert(seen.includes(await page.evaluate(() => document.getElementById('input').getAttribute('data-tabseen'))), 'textarea reached');
  return `${result.count} controls reached, starting at ${result.first}`;
});

test('keyboard focus is visible', async ({ page }) => {
  await page.locator('#load-example').focus();
  await page.keyboard.press('Tab');
  const style = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { id: document.activeElement.id, outline: s.outlineStyle, width: s.outlineWidth };
  });
  assertEqual(style.id, 'clear', 'Tab from Load example goes to Clear');
  assert(style.outline !== 'none' && parseFloat(style.width) >= 2, `outline ${JSON.stringify(style)}`);
});

test('every control has a label; one h1; header, main and footer landmarks', async ({ page }) => {
  const problems = await page.evaluate(() => {
    const out = [];
    for (const e of document.querySelectorAll('input, textarea, select')) {
      if (!(e.labels && e.labels.length) && !e.getAttribute('aria-label')) out.push(`unlabelled ${e.tagName} ${e.id}`);
    }
    for (const b of document.querySelectorAll('button')) {
      if (!(b.getAttribute('aria-label') || b.textContent.trim())) out.push(`nameless button ${b.id}`);
    }
    const ta = document.getElementById('input');
    if (ta.getAttribute('autocomplete') !== 'off' || ta.spellcheck !== false) out.push('textarea autocomplete/spellcheck');
    if (document.querySelectorAll('h1').length !== 1) out.push('h1 count');
    for (const sel of ['header', 'main', 'footer']) if (!document.querySelector(sel)) out.push(`no ${sel}`);
    for (const e of document.querySelectorAll('[style]')) out.push('style attribute on ' + e.outerHTML.slice(0, 120));
    return out;
  });
  assertEqual(JSON.stringify(problems), '[]', 'problems');
});

test('fits 360 px and 640 px (200 % zoom) without horizontal page scroll; dark mode', { modes: ['file'] }, async ({ page }) => {
  const widths = [];
  const combined = SAMPLE_FILES.find((f) => f.startsWith('06-')) || SAMPLE_FILES[0];
  for (const input of ['example', combined]) {
    if (input !== 'example') await pasteText(page, sampleText(input));
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    for (const width of [360, 640]) {
      await page.setViewportSize({ width, height: 800 });
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      widths.push(w);
      assert(w <= width, `page is ${w} px wide in a ${width} px window (${input})`);
    }
  }
  await page.setViewportSize(VIEWPORT);
  await page.emulateMedia({ colorScheme: 'dark' });
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const rgb = bg.match(/\d+/g).slice(0, 3).map(Number);
  assert(rgb[0] + rgb[1] + rgb[2] < 150, `dark background ${bg}`);
  return `scroll widths ${widths.join(', ')}; dark background ${bg}`;
});
