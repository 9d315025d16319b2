/* hybridcheck page. Runs after the wasm-bindgen glue, the build variables and the loader
 * (wasm-loader.js) in the same classic script. Rules of this file (the page's
 * Content-Security-Policy and its promise): no network, no storage, no eval, no inline styles,
 * and every piece of data reaches the DOM through textContent or setAttribute, never as markup.
 * Pure ASCII: use \u escapes.
 *
 * The same script also runs as the page's worker, which checks large inputs off the main thread:
 * the page makes it from its own text (a blob: URL, allowed by the CSP's worker-src), and there,
 * with no document, only workerMain runs. */
(function () {
  'use strict';

  /* Results come back from the worker in pieces of this many list items, so that reading no
   * one message holds up the page for long. */
  var WORKER_LIST_CHUNK = 1000;

  if (typeof document === 'undefined') {
    if (typeof self === 'object' && typeof self.postMessage === 'function') workerMain();
    return;
  }

  /* The text of this very script, glue and wasm included: the worker runs it. */
  var SCRIPT_TEXT = document.currentScript ? document.currentScript.textContent : '';

  /* Text larger than this is checked after a paste, a drop or a click on "Check now",
   * not on every keystroke; a larger paste or file is not shown in the box. */
  var LARGE_INPUT = 1024 * 1024;
  /* Inputs at least this large are checked in the worker, where a long check cannot freeze
   * the page. Smaller ones take a few milliseconds here. */
  var WORKER_INPUT = 256 * 1024;
  var DEBOUNCE_MS = 150;
  var FINDINGS_PAGE = 50;
  /* Cards shown open; the cards after them are collapsed to their heading. */
  var CARDS_OPEN = 3;
  /* More findings than this get the overview table above the cards. */
  var OVERVIEW_FROM = 4;
  /* Rows of one rule's group in the overview shown at first. */
  var OVERVIEW_ROWS = 100;
  /* Text in the box larger than this is replaced directly, not as an edit the browser can undo
   * (which takes seconds for megabytes); the page keeps it for Ctrl+Z itself. */
  var NATIVE_UNDO_MAX = 256 * 1024;
  /* Loaded text larger than this is not offered for editing in the box: a browser needs
   * seconds to lay out megabytes in a text box. */
  var EDIT_MAX = 8 * 1024 * 1024;
  var DIAGNOSTICS_PAGE = 50;
  var UNRECOGNIZED_PAGE = 200;
  var SCRIPT_SHOWN_MAX = 200000;

  /* What the collector's parts are for, by side (the parts themselves come from the core). */
  var COLLECTOR_LABELS = {
    'on-premises': 'the on-premises commands',
    'each-server': 'the commands for each Exchange server',
    'exchange-online': 'the Exchange Online commands'
  };

  var SEVERITY_WORDS = { error: 'Error', warning: 'Warning', info: 'Info' };
  var SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };
  /* What the safety level means for the reader; the level's own words come from the report. */
  var SAFETY_MORE = {
    safe: 'The command changes only what the finding names and keeps everything else.',
    review: 'The commands are correct as printed, but read the notes below before you run them.'
  };
  var ENCODING_WORDS = {
    'utf-8': 'UTF-8',
    'utf-8-bom': 'UTF-8 with BOM',
    'utf-16le-bom': 'UTF-16 LE with BOM',
    'utf-16be-bom': 'UTF-16 BE with BOM',
    'utf-16le': 'UTF-16 LE',
    'utf-16be': 'UTF-16 BE',
    'windows-1252': 'Windows-1252',
    'text': 'text'
  };
  var DECODER_LABELS = {
    'utf-8': 'utf-8',
    'utf-8-bom': 'utf-8',
    'utf-16le-bom': 'utf-16le',
    'utf-16be-bom': 'utf-16be',
    'utf-16le': 'utf-16le',
    'utf-16be': 'utf-16be',
    'windows-1252': 'windows-1252'
  };

  var ui = {};
  var state = {
    rules: {},
    result: null,
    source: { kind: 'text' },
    timer: 0,
    pasted: false,
    findingsShown: 0,
    diagnosticsShown: 0,
    unrecognizedShown: 0,
    announceTimer: 0,
    checks: 0,
    started: false,
    /* The number of the newest check asked for: results of older ones are dropped. */
    seq: 0
  };

  /* The worker: made on first need; `broken` once this browser has shown it cannot run one. */
  var checker = { worker: null, url: '', ready: false, broken: false, job: null, nextId: 0 };

  function byId(id) {
    return document.getElementById(id);
  }

  /* Text as the page shows it: characters that do not display as what they are (controls,
   * bidirectional overrides, zero-width and other format characters, separators other than the
   * space) are written as \u{...}, by the core's own rule (hidden::escape), so a name in a paste
   * cannot reorder or hide what the page shows. Printable ASCII, nearly all text, is as it is. */
  function shown(text) {
    text = String(text);
    return /[^\u0020-\u007e]/.test(text) ? wasm_bindgen.shownText(text) : text;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = shown(text);
    return node;
  }

  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      parent.appendChild(typeof child === 'string' ? document.createTextNode(shown(child)) : child);
    }
    return parent;
  }

  /* Text whose `backticked` parts are code, as the core writes its messages and hints. */
  function richText(parent, text) {
    var parts = String(text).split('`');
    if (parts.length % 2 === 0) {
      parent.appendChild(document.createTextNode(shown(text)));
      return parent;
    }
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      parent.appendChild(i % 2 ? el('code', null, parts[i]) : document.createTextNode(shown(parts[i])));
    }
    return parent;
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  function errorText(e) {
    if (e && e.message) return e.message;
    return String(e);
  }

  function fatal(message) {
    ui.fatal.textContent = message;
    ui.fatal.hidden = false;
    ui.verdict.textContent = 'The checker is not running.';
    document.documentElement.setAttribute('data-state', 'failed');
  }

  /* ---------- start ---------- */

  function init() {
    [
      'fatal', 'verdict', 'counts', 'summary', 'read', 'findings', 'findings-heading', 'more-findings',
      'diagnostics-area', 'diagnostics', 'more-diagnostics', 'not-run-area', 'not-run-summary', 'not-run-list', 'unrecognized-area', 'unrecognized-summary', 'unrecognized-list',
      'more-unrecognized', 'script-area', 'script', 'script-cut', 'copy-script', 'download-ps1',
      'download-json', 'download-md', 'input', 'input-source', 'file', 'dropzone', 'check-now',
      'load-example', 'clear', 'collector-parts', 'announcer', 'about-version',
      'about-build', 'about-data', 'about-schema', 'file-sha256', 'verify-ps', 'copy-verify-ps', 'verify-sh',
      'copy-verify-sh', 'loaded', 'loaded-name', 'loaded-facts', 'loaded-why', 'loaded-edit', 'loaded-clear',
      'example-confirm', 'example-confirm-text', 'example-replace', 'example-keep', 'print-header', 'example-flag',
      'overview', 'overview-filter', 'overview-severity', 'overview-shown', 'overview-groups'
    ].forEach(function (id) {
      ui[id.replace(/-([a-z0-9])/g, function (m, c) { return c.toUpperCase(); })] = byId(id);
    });

    wireEvents();

    if (typeof hybridcheckStartNow !== 'function' || typeof HYBRIDCHECK_WASM === 'undefined') {
      fatal('The checker is missing from this file. Download the page again.');
      return;
    }
    /* The wasm is inlined gzipped: unpacked and compiled here, before the first paint, so the
     * page opens with the example already checked. */
    try {
      hybridcheckStartNow();
    } catch (e) {
      /* Some browsers compile a module this large only in the background: wait for it there. */
      hybridcheckStart().then(started, function (e2) {
        fatal('The checker could not start in this browser (' + errorText(e2) + '). Use a current Edge, Chrome or Firefox.');
      });
      return;
    }
    started();
  }

  function started() {
    try {
      var rules = wasm_bindgen.rules();
      for (var i = 0; i < rules.length; i++) state.rules[rules[i].id] = rules[i];
      showCollector(wasm_bindgen.collector());
      showAbout(wasm_bindgen.version());
    } catch (e) {
      fatal('The checker did not start properly (' + errorText(e) + ').');
      return;
    }
    state.started = true;
    /* Something pasted or dropped while the checker was starting is checked now; else the example. */
    if (hasInput()) {
      runNow();
    } else {
      loadExample(false);
    }
  }

  /* Shows the collector's parts, each a block with its own Copy button, and puts the start of the
   * first into the input's placeholder. */
  function showCollector(parts) {
    ui.collectorParts.textContent = '';
    parts.forEach(function (part) {
      var label = COLLECTOR_LABELS[part.side] || 'the commands';
      var block = el('div', 'codeblock');
      var pre = el('pre', 'collector');
      pre.tabIndex = 0;
      pre.setAttribute('role', 'region');
      pre.setAttribute('aria-label', 'Commands to run: ' + label);
      var code = el('code');
      code.id = 'collector-code-' + part.side;
      setCommandText(code, part.script);
      pre.appendChild(code);
      var actions = el('div', 'codeblock-actions');
      var button = el('button', 'btn');
      button.type = 'button';
      button.id = 'copy-collector-' + part.side;
      button.textContent = 'Copy';
      button.setAttribute('aria-label', 'Copy ' + label);
      button.addEventListener('click', function () {
        copyText(part.script, button, code);
      });
      actions.appendChild(button);
      block.appendChild(pre);
      block.appendChild(actions);
      ui.collectorParts.appendChild(block);
    });
    if (parts.length) {
      ui.input.placeholder = 'Run the commands of step 1, then paste everything they print here, for example:\n\n' +
        parts[0].script.split('\n').slice(1, 3).join('\n') + '\n\u2026';
    }
  }

  function showAbout(v) {
    var build = typeof HYBRIDCHECK_BUILD === 'object' && HYBRIDCHECK_BUILD ? HYBRIDCHECK_BUILD : {};
    ui.aboutVersion.textContent = 'hybridcheck ' + (v.version || build.version || 'unknown');
    ui.aboutBuild.textContent = build.date || 'unknown';
    ui.aboutData.textContent = v.data_as_of || 'unknown';
    ui.aboutSchema.textContent = v.schema || 'unknown';
    var hash = ui.fileSha256.textContent;
    var zeros = new Array(65).join('0');
    setVerifyCommand(ui.verifyPs, ui.copyVerifyPs,
      '$f = Resolve-Path .\\hybridcheck.html; $h = \'' + hash + '\'; ' +
      '$t = [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($f)).Replace($h, \'0\' * 64); ' +
      '(([Security.Cryptography.SHA256]::Create().ComputeHash([Text.Encoding]::ASCII.GetBytes($t)) | ' +
      'ForEach-Object { $_.ToString(\'x2\') }) -join \'\') -eq $h');
    setVerifyCommand(ui.verifySh, ui.copyVerifySh,
      'sed \'s/' + hash + '/' + zeros + '/\' hybridcheck.html | sha256sum');
    if (/^0{64}$/.test(hash)) {
      ui.fileSha256.parentNode.appendChild(el('span', 'field-hint', ' (not filled in: this copy was not made by the release build)'));
    }
  }

  function setVerifyCommand(code, button, text) {
    setCommandText(code, text);
    button.addEventListener('click', function () {
      copyText(text, button, code);
    });
  }

  /* ---------- input ---------- */

  function wireEvents() {
    ui.input.addEventListener('paste', function (ev) {
      /* A browser needs seconds to lay out megabytes in a text box: check a large paste without
       * showing it, as a large file is. */
      var data = ev.clipboardData;
      var text = data && typeof data.getData === 'function' ? data.getData('text/plain') : '';
      if (text.length > LARGE_INPUT) {
        ev.preventDefault();
        pasteLarge(text);
        return;
      }
      state.pasted = true;
      /* A paste replaces the example instead of landing in the middle of it. */
      if (state.source.kind === 'example' && state.started && ui.input.value === wasm_bindgen.example()) ui.input.select();
    });
    ui.input.addEventListener('input', function () {
      /* The page's own edits (Load example, Clear) are followed by their own check. */
      if (state.editing) return;
      ui.exampleConfirm.hidden = true;
      if (state.source.kind !== 'text') {
        state.source = { kind: 'text' };
      }
      var pasted = state.pasted;
      state.pasted = false;
      schedule(pasted);
    });
    ui.input.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        runNow();
      } else if ((ev.key === 'z' || ev.key === 'Z') && (ev.ctrlKey || ev.metaKey) && !ev.shiftKey && state.undo &&
          (!ui.input.value || state.source.kind === 'example')) {
        /* Undo of Clear or Load example where the browser cannot: an input too large for the
         * box, or for its undo. */
        ev.preventDefault();
        var undo = state.undo;
        state.undo = null;
        cancelChecks();
        if (undo.kind === 'text') {
          state.source = { kind: 'text' };
          ui.input.value = undo.text;
        } else {
          state.source = undo;
          ui.input.value = '';
        }
        runNow();
      }
    });
    ui.checkNow.addEventListener('click', runNow);
    ui.loadExample.addEventListener('click', function () {
      if (hasOwnInput()) {
        /* The user's own text is never replaced without asking. */
        ui.exampleConfirm.hidden = false;
        ui.exampleReplace.focus();
      } else {
        loadExample(true);
      }
    });
    ui.exampleReplace.addEventListener('click', function () {
      loadExample(true);
    });
    ui.exampleKeep.addEventListener('click', function () {
      ui.exampleConfirm.hidden = true;
      (ui.input.hidden ? ui.loadedEdit : ui.input).focus();
    });
    ui.clear.addEventListener('click', clearAll);
    ui.loadedClear.addEventListener('click', clearAll);
    ui.loadedEdit.addEventListener('click', editLoaded);
    ui.file.addEventListener('change', function () {
      var file = ui.file.files && ui.file.files[0];
      if (file) loadFile(file);
      ui.file.value = '';
    });

    var depth = 0;
    function hasFiles(ev) {
      var types = ev.dataTransfer && ev.dataTransfer.types;
      if (!types) return false;
      for (var i = 0; i < types.length; i++) if (types[i] === 'Files') return true;
      return false;
    }
    document.addEventListener('dragenter', function (ev) {
      if (!hasFiles(ev)) return;
      depth++;
      ui.dropzone.classList.add('dragging');
    });
    document.addEventListener('dragleave', function (ev) {
      if (!hasFiles(ev)) return;
      depth = Math.max(0, depth - 1);
      if (!depth) ui.dropzone.classList.remove('dragging');
    });
    document.addEventListener('dragover', function (ev) {
      if (!hasFiles(ev)) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = 'copy';
    });
    document.addEventListener('drop', function (ev) {
      depth = 0;
      ui.dropzone.classList.remove('dragging');
      var files = ev.dataTransfer && ev.dataTransfer.files;
      if (!files || !files.length) return; /* dropped text: the textarea takes it as typing */
      ev.preventDefault();
      loadFile(files[0]);
    });

    ui.moreFindings.addEventListener('click', function () {
      renderFindings(FINDINGS_PAGE, true);
    });
    ui.moreDiagnostics.addEventListener('click', function () {
      renderDiagnostics(DIAGNOSTICS_PAGE, true);
    });
    ui.overviewFilter.addEventListener('input', function () {
      if (state.result && state.groups) drawOverview();
    });
    ui.overviewSeverity.addEventListener('change', function () {
      if (state.result && state.groups) drawOverview();
    });
    ui.moreUnrecognized.addEventListener('click', function () {
      renderUnrecognized(UNRECOGNIZED_PAGE, true);
    });
    ui.copyScript.addEventListener('click', function () {
      if (!state.result) return;
      var whole = ui.script.textContent === state.result.script;
      copyText(state.result.script, ui.copyScript, whole ? ui.script : null);
    });
    ui.downloadPs1.addEventListener('click', function () {
      if (!state.result) return;
      var script = state.result.script;
      /* Windows PowerShell 5.1 reads a .ps1 without a BOM as ANSI: mark non-ASCII scripts as UTF-8. */
      if (/[^\u0000-\u007f]/.test(script)) script = '\ufeff' + script;
      download(downloadName('fix.ps1'), 'text/plain;charset=utf-8', script);
    });
    ui.downloadJson.addEventListener('click', function () {
      if (!state.result) return;
      download(downloadName('report.json'), 'application/json', JSON.stringify(state.result.report, null, 2) + '\n');
    });
    ui.downloadMd.addEventListener('click', function () {
      if (!state.result) return;
      download(downloadName('report.md'), 'text/markdown;charset=utf-8', state.result.markdown);
    });
  }

  function setBusy(busy) {
    document.documentElement.setAttribute('data-state', busy ? 'checking' : 'ready');
    ui.summary.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  function schedule(pasted) {
    /* The text changed: a result still to come is for older text. */
    cancelChecks();
    var text = ui.input.value;
    if (!text.length) {
      showEmpty();
      return;
    }
    if (text.length > LARGE_INPUT && !pasted) {
      /* Large text: do not re-check on every keystroke. */
      ui.checkNow.hidden = false;
      ui.verdict.textContent = 'The input is large (' + sizeWords(text.length) +
        '), so it is not re-checked as you type. Press Check now or Ctrl+Enter.';
      ui.counts.textContent = '';
      document.documentElement.setAttribute('data-state', 'stale');
      return;
    }
    showChecking(text.length > LARGE_INPUT);
    state.timer = setTimeout(runCheck, text.length > LARGE_INPUT ? 40 : DEBOUNCE_MS);
  }

  function runNow() {
    cancelChecks();
    if (!hasInput()) {
      showEmpty();
      return;
    }
    showChecking(true);
    state.timer = setTimeout(runCheck, 40);
  }

  function showChecking(announce) {
    setBusy(true);
    if (announce || !state.result) {
      ui.summary.classList.add('checking');
      ui.verdict.textContent = 'Checking\u2026';
      ui.counts.textContent = '';
    }
  }

  /* The browser's local date, YYYY-MM-DD: certificate lifetimes are judged against it. */
  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  }

  function sizeWords(chars) {
    if (chars >= 1024 * 1024) return (chars / 1024 / 1024).toFixed(1) + ' million characters';
    return chars + ' characters';
  }

  /* What is checked: the file, the large paste, the example or the text in the box. */
  function currentInput() {
    var s = state.source;
    if (s.kind === 'file') return { bytes: s.bytes, name: s.name, size: s.bytes.length };
    var text = s.kind === 'paste' ? s.text : ui.input.value;
    return { text: text, size: text.length, example: s.kind === 'example' };
  }

  /* True when the box or a loaded file or paste holds the user's own input. */
  function hasOwnInput() {
    var s = state.source;
    if (s.kind === 'file' || s.kind === 'paste') return true;
    return s.kind !== 'example' && ui.input.value.length > 0;
  }

  /* Replaces the box's text as an edit of its own, so that the browser's undo (Ctrl+Z) brings
   * back what was there; the input event it fires is not a user's edit. */
  function replaceBoxText(text) {
    showBox();
    if (ui.input.value.length > NATIVE_UNDO_MAX) {
      state.undo = { kind: 'text', text: ui.input.value };
      ui.input.value = text;
      return;
    }
    ui.input.focus();
    ui.input.select();
    state.editing = true;
    var done = false;
    try {
      done = document.execCommand(text ? 'insertText' : 'delete', false, text);
    } catch (e) {
      done = false;
    }
    state.editing = false;
    if (!done || ui.input.value !== text) ui.input.value = text;
  }

  function hasInput() {
    return state.source.kind === 'file' || currentInput().size > 0;
  }

  /* Forgets the checks asked for so far: a result still to come is dropped. */
  function cancelChecks() {
    clearTimeout(state.timer);
    stopWorker();
    state.seq++;
  }

  /* Checks the current input, here or in the worker, and shows the result. */
  function runCheck() {
    clearTimeout(state.timer);
    /* Until the checker has started, started() checks whatever is there by then. */
    if (!state.started) return;
    var input = currentInput();
    input.today = today();
    var seq = ++state.seq;
    var source = state.source;
    var t0 = performance.now();
    /* A check still running in the worker is for older input: stop it. */
    stopWorker();
    function done(result, where, checkMs) {
      if (seq !== state.seq) return;
      var t1 = performance.now();
      state.resultSource = source;
      render(result);
      if (source.kind === 'file' && !source.shown) showFileText(source, result);
      state.checks++;
      document.documentElement.setAttribute('data-checks', String(state.checks));
      window.hybridcheckTiming = {
        where: where, chars: input.size, check_ms: checkMs, total_ms: performance.now() - t0, render_ms: performance.now() - t1
      };
    }
    function failed(e) {
      if (seq !== state.seq) return;
      setBusy(false);
      ui.summary.classList.remove('checking');
      ui.verdict.textContent = 'The checker failed on this input: ' + errorText(e);
      ui.counts.textContent = 'Please report this, with the input if you can share it.';
    }
    if (input.size >= WORKER_INPUT && startWorker()) {
      showChecking(true);
      checkInWorker(input, done, function (e) {
        /* No worker after all (this browser cannot run one): check here. */
        if (e === NO_WORKER) checkHere(input, done, failed);
        else failed(e);
      });
    } else {
      checkHere(input, done, failed);
    }
  }

  function checkHere(input, done, failed) {
    var t0 = performance.now();
    var result;
    try {
      if (input.bytes) result = wasm_bindgen.checkBytes(input.bytes, input.name, input.today);
      else if (input.example && input.text === wasm_bindgen.example()) result = wasm_bindgen.checkExample(input.today);
      else result = wasm_bindgen.check(input.text, input.today);
    } catch (e) {
      failed(e);
      return;
    }
    done(result, 'page', performance.now() - t0);
  }

  /* ---------- the worker ---------- */

  var NO_WORKER = { message: 'no worker' };

  /* Makes the worker if there is none; false when this browser cannot. */
  function startWorker() {
    if (checker.worker) return true;
    if (checker.broken) return false;
    try {
      if (!SCRIPT_TEXT || typeof Worker !== 'function' || typeof Blob !== 'function') throw NO_WORKER;
      checker.url = URL.createObjectURL(new Blob([SCRIPT_TEXT], { type: 'text/javascript' }));
      var worker = new Worker(checker.url);
      worker.onmessage = function (ev) {
        if (worker === checker.worker) fromWorker(ev.data);
      };
      worker.onerror = function (ev) {
        if (ev && ev.preventDefault) ev.preventDefault();
        if (worker === checker.worker) workerFailed(ev && ev.message ? ev.message : 'the worker stopped');
      };
      checker.worker = worker;
      checker.ready = false;
      return true;
    } catch (e) {
      checker.broken = true;
      dropWorker();
      return false;
    }
  }

  function dropWorker() {
    if (checker.worker) checker.worker.terminate();
    checker.worker = null;
    if (checker.url) URL.revokeObjectURL(checker.url);
    checker.url = '';
  }

  /* Stops the worker when it is busy: its result would be for older input. */
  function stopWorker() {
    if (!checker.job) return;
    checker.job = null;
    dropWorker();
  }

  /* The worker could not start, or died: a worker that never started means this browser cannot
   * run one, and the job is done here instead. */
  function workerFailed(message) {
    var job = checker.job;
    var never = !checker.ready;
    checker.job = null;
    dropWorker();
    if (never) checker.broken = true;
    if (job) job.failed(never ? NO_WORKER : new Error(message));
  }

  function checkInWorker(input, done, failed) {
    var id = ++checker.nextId;
    var message = { id: id, today: input.today };
    var transfer = [];
    if (input.bytes) {
      /* A copy, handed over without another copy: the page keeps the file's bytes for Check now. */
      message.bytes = input.bytes.slice().buffer;
      message.name = input.name;
      transfer.push(message.bytes);
    } else {
      message.text = input.text;
    }
    checker.job = { id: id, done: done, failed: failed, result: null, checkMs: 0 };
    checker.worker.postMessage(message, transfer);
  }

  /* The worker's messages: ready or failed once, then for each job a head, its list items in
   * pieces, its texts, and done (see sendResult). */
  function fromWorker(m) {
    if (m.ready) {
      checker.ready = true;
      /* The worker has read its script: the blob: URL is no longer needed. */
      URL.revokeObjectURL(checker.url);
      checker.url = '';
      return;
    }
    if (m.failed) {
      workerFailed(m.failed);
      return;
    }
    var job = checker.job;
    if (!job || m.id !== job.id) return;
    if (m.error) {
      /* A trap may leave the wasm in a bad state: the next check gets a new worker. */
      checker.job = null;
      dropWorker();
      job.failed(new Error(m.error));
    } else if (m.head) {
      job.result = m.head;
      job.checkMs = m.check_ms;
    } else if (m.list) {
      var list = job.result.report;
      for (var i = 0; i < m.list.length; i++) list = list[m.list[i]];
      for (var j = 0; j < m.items.length; j++) list.push(m.items[j]);
    } else if (m.field) {
      job.result[m.field] = m.value;
    } else if (m.done) {
      checker.job = null;
      job.done(job.result, 'worker', job.checkMs);
    }
  }

  /* The worker's side: start the checker, then answer each {id, text | bytes, name, today}. */
  function workerMain() {
    var ready = hybridcheckStart();
    ready.then(function () {
      self.postMessage({ ready: true });
    }, function (e) {
      self.postMessage({ failed: errorText(e) });
    });
    self.onmessage = function (ev) {
      var job = ev.data;
      ready.then(function () {
        var t0 = performance.now();
        var result = job.bytes ? wasm_bindgen.checkBytes(new Uint8Array(job.bytes), job.name, job.today)
          : wasm_bindgen.check(job.text, job.today);
        job.bytes = job.text = null;
        sendResult(job.id, result, performance.now() - t0);
      }).catch(function (e) {
        self.postMessage({ id: job.id, error: errorText(e) });
      });
    };
  }

  /* Sends a result in pieces: a head with the report's long lists emptied, the items of each
   * list WORKER_LIST_CHUNK at a time, the script and the Markdown, then done. The page puts the
   * lists back together in order, so it ends up with exactly the result. */
  function sendResult(id, result, checkMs) {
    var r = result.report;
    var pieces = [];
    function detach(owner, key, path) {
      var items = owner[key];
      if (!items || !items.length) return;
      owner[key] = [];
      for (var i = 0; i < items.length; i += WORKER_LIST_CHUNK) {
        pieces.push({ id: id, list: path, items: items.slice(i, i + WORKER_LIST_CHUNK) });
      }
    }
    detach(r, 'findings', ['findings']);
    detach(r, 'diagnostics', ['diagnostics']);
    detach(r, 'unrecognized', ['unrecognized']);
    (r.inputs || []).forEach(function (input, i) {
      detach(input, 'sections', ['inputs', i, 'sections']);
    });
    var script = result.script;
    var markdown = result.markdown;
    self.postMessage({ id: id, head: { report: r, script: '', markdown: '', header: result.header }, check_ms: checkMs });
    for (var i = 0; i < pieces.length; i++) self.postMessage(pieces[i]);
    self.postMessage({ id: id, field: 'script', value: script });
    self.postMessage({ id: id, field: 'markdown', value: markdown });
    self.postMessage({ id: id, done: true });
  }

  /* Shows the built-in example. From a click, the box's text is replaced as an edit, so that
   * Ctrl+Z brings back what was there; the page asks first when that was the user's own input. */
  function loadExample(fromClick) {
    cancelChecks();
    ui.exampleConfirm.hidden = true;
    var previous = state.source;
    var text = wasm_bindgen.example();
    state.undo = previous.hidden ? previous : null;
    if (fromClick) {
      replaceBoxText(text);
    } else {
      ui.input.value = text;
    }
    state.source = { kind: 'example' };
    /* All selected, so that typing or pasting replaces the example. */
    ui.input.setSelectionRange(0, ui.input.value.length, 'backward');
    /* Back to the top after other text was shown. Not when the page opens: the box is at the top
     * then, and setting scrollTop would lay the whole page out before the example is checked. */
    if (state.checks > 0) ui.input.scrollTop = 0;
    runCheck();
    if (fromClick) ui.input.focus();
  }

  /* Empties the box and the results. Ctrl+Z in the empty box brings the input back: the
   * browser's undo for text in the box, the page for a file or paste too large to show. */
  function clearAll() {
    cancelChecks();
    ui.exampleConfirm.hidden = true;
    var previous = state.source;
    state.undo = previous.hidden ? previous : null;
    state.source = { kind: 'text' };
    replaceBoxText('');
    showEmpty();
    ui.input.focus();
  }

  function loadFile(file) {
    cancelChecks();
    showChecking(true);
    var seq = state.seq;
    file.arrayBuffer().then(function (buffer) {
      if (seq !== state.seq) return;
      var bytes = new Uint8Array(buffer);
      /* A browser needs seconds to lay out megabytes in a text box: show only smaller files. */
      state.source = { kind: 'file', name: file.name || 'file', bytes: bytes, hidden: bytes.length > LARGE_INPUT };
      ui.input.value = '';
      showSource();
      runCheck();
    }, function (e) {
      if (seq !== state.seq) return;
      setBusy(false);
      ui.summary.classList.remove('checking');
      ui.verdict.textContent = 'The file could not be read: ' + errorText(e);
      ui.counts.textContent = '';
    });
  }

  /* Shows a checked file's text in the box, decoded as the checker decoded it. */
  function showFileText(source, result) {
    source.shown = true;
    var input = result.report.inputs[0];
    source.encoding = input ? input.encoding : 'utf-8';
    if (source.hidden) return;
    ui.input.value = decodeForDisplay(source.bytes, source.encoding);
    ui.input.setSelectionRange(0, 0);
    ui.input.scrollTop = 0;
  }

  /* A paste too large to show: checked from memory, the box replaced by its name and size. */
  function pasteLarge(text) {
    cancelChecks();
    state.source = { kind: 'paste', text: text, hidden: true };
    ui.input.value = '';
    showSource();
    runNow();
  }

  /* Puts a loaded file or paste into the box, to edit it there. */
  function editLoaded() {
    var s = state.source;
    if (!s.hidden) return;
    var text = s.kind === 'file' ? decodeForDisplay(s.bytes, s.encoding || 'utf-8') : s.text;
    cancelChecks();
    state.undo = null;
    state.source = { kind: 'text' };
    showBox();
    ui.input.value = text;
    ui.input.setSelectionRange(0, 0);
    ui.input.focus();
    runNow();
  }

  /* The box, in place of the name and size of a loaded input. */
  function showBox() {
    ui.loaded.hidden = true;
    ui.input.hidden = false;
  }

  function decodeForDisplay(bytes, encoding) {
    var label = DECODER_LABELS[encoding] || 'utf-8';
    try {
      return new TextDecoder(label).decode(bytes);
    } catch (e) {
      return new TextDecoder('utf-8').decode(bytes);
    }
  }

  /* Says what is being checked: under the box, or in its place for an input too large to show. */
  function showSource() {
    var s = state.source;
    /* What the report says of the input, once the report is of this input. */
    var r = state.result && state.resultSource === s ? state.result.report : null;
    var input = r && r.inputs[0];
    var node = ui.inputSource;
    node.textContent = '';
    node.removeAttribute('data-encoding');
    if (input && (s.kind === 'file' || s.kind === 'paste')) node.setAttribute('data-encoding', input.encoding);
    if (s.hidden) {
      ui.input.hidden = true;
      ui.loaded.hidden = false;
      ui.loadedName.textContent = '';
      append(ui.loadedName, s.kind === 'file' ? el('strong', 'filename', s.name) : el('strong', null, 'Pasted text'));
      var facts = [s.kind === 'file' ? byteWords(s.bytes.length) : sizeWords(s.text.length)];
      if (input) facts.push(plural(input.lines, 'line', 'lines'));
      if (input && s.kind === 'file') facts.push(ENCODING_WORDS[input.encoding] || input.encoding);
      if (!input) facts.push('checking\u2026');
      ui.loadedFacts.textContent = facts.join(', ');
      var size = s.kind === 'file' ? s.bytes.length : s.text.length;
      ui.loadedEdit.disabled = size > EDIT_MAX;
      ui.loadedWhy.textContent = 'Too large to show in the box: it is checked as it is. ' +
        (size > EDIT_MAX ? 'It is also too large to edit here; change the file and load it again.'
          : 'Edit puts it in the box (that takes a moment).');
      return;
    }
    showBox();
    if (s.kind === 'file' && input) {
      append(node, 'Checking the file ', el('strong', 'filename', s.name), ' (' +
        (ENCODING_WORDS[input.encoding] || input.encoding) + ', ' + plural(input.lines, 'line', 'lines') + '). ' +
        'Edit the text to check your edits instead.');
    } else if (s.kind === 'example') {
      append(node, 'Showing the built-in example. Paste your own output: it replaces the example.');
    } else if (input && ui.input.value.length) {
      append(node, 'Checking the pasted text (' + plural(input.lines, 'line', 'lines') + ').');
    }
  }

  function byteWords(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + ' MB';
    if (bytes >= 1024) return (bytes / 1024).toFixed(1) + ' KB';
    return plural(bytes, 'byte', 'bytes');
  }

  /* ---------- results ---------- */

  function resetResults() {
    ui.findings.replaceChildren();
    ui.diagnostics.replaceChildren();
    ui.unrecognizedList.replaceChildren();
    ui.notRunList.replaceChildren();
    ui.notRunArea.hidden = true;
    ui.read.replaceChildren();
    ui.overviewGroups.replaceChildren();
    ui.overview.hidden = true;
    state.groups = null;
    ui.findingsHeading.hidden = true;
    ui.moreFindings.hidden = true;
    ui.moreDiagnostics.hidden = true;
    ui.moreUnrecognized.hidden = true;
    ui.diagnosticsArea.hidden = true;
    ui.unrecognizedArea.hidden = true;
    ui.unrecognizedArea.open = false;
    ui.scriptArea.hidden = true;
    ui.script.textContent = '';
    ui.scriptCut.hidden = true;
    ui.checkNow.hidden = true;
    state.findingsShown = 0;
    state.diagnosticsShown = 0;
    state.unrecognizedShown = 0;
  }

  function showEmpty() {
    cancelChecks();
    state.result = null;
    resetResults();
    setBusy(false);
    ui.summary.classList.remove('checking');
    ui.summary.className = 'summary verdict-none';
    ui.verdict.textContent = 'Nothing to check yet.';
    ui.counts.textContent = 'Paste the output of the commands in step 1, or choose a file.';
    ui.inputSource.textContent = '';
    ui.exampleFlag.hidden = true;
    ui.printHeader.textContent = '';
    document.documentElement.removeAttribute('data-example');
  }

  function render(result) {
    state.result = result;
    var r = result.report;
    resetResults();
    setBusy(false);

    /* Every count and its words come from the report's summary (one function in the core), so
     * the verdict, its colour and the counts agree with the cards below. */
    var s = r.summary;
    ui.summary.className = 'summary verdict-' + s.tone;
    ui.verdict.textContent = shown(s.verdict);
    ui.counts.textContent = shown(s.counts);
    ui.exampleFlag.hidden = !r.example;
    ui.exampleFlag.textContent = 'Example: not your servers. Paste your own output in step 2.';
    if (r.example) document.documentElement.setAttribute('data-example', 'true');
    else document.documentElement.removeAttribute('data-example');
    ui.printHeader.textContent = shown(result.header || '');

    renderRead(r);
    if (r.findings.length >= OVERVIEW_FROM) renderOverview(r);
    if (r.findings.length) {
      ui.findingsHeading.hidden = false;
      ui.findingsHeading.textContent = 'Findings (' + r.findings.length + ')';
      renderFindings(FINDINGS_PAGE, false);
    }
    if (r.diagnostics.length) {
      ui.diagnosticsArea.hidden = false;
      renderDiagnostics(DIAGNOSTICS_PAGE, false);
    }
    if (r.rules_not_run.length) renderNotRun(r.rules_not_run);
    if (r.unrecognized.length) {
      ui.unrecognizedArea.hidden = false;
      renderUnrecognized(UNRECOGNIZED_PAGE, false);
    }
    renderScript(result.script, r);
    showSource();
  }

  /* ---------- the overview: one row per finding, grouped by rule ---------- */

  function renderOverview(r) {
    ui.overview.hidden = false;
    ui.overviewFilter.value = '';
    ui.overviewSeverity.value = '';
    state.sort = { key: '', descending: false };
    /* The groups in the order of the report (most severe first), each with its findings' indexes. */
    var groups = [];
    var byRule = {};
    r.findings.forEach(function (f, i) {
      if (!byRule[f.rule]) {
        byRule[f.rule] = { rule: f.rule, items: [], open: OVERVIEW_ROWS };
        groups.push(byRule[f.rule]);
      }
      byRule[f.rule].items.push(i);
    });
    state.groups = groups;
    drawOverview();
  }

  var OVERVIEW_COLUMNS = [
    ['identity', 'Object'],
    ['server', 'Server'],
    ['severity', 'Severity'],
    ['status', 'Fix']
  ];

  function rowValue(f, key) {
    if (key === 'severity') return SEVERITY_ORDER[f.severity];
    if (key === 'status') return f.remediation.status;
    var v = f[key];
    return v === null || v === undefined ? '' : String(v).toLowerCase();
  }

  /* Findings of a group that pass the filter, in the chosen order. */
  function overviewRows(group) {
    var findings = state.result.report.findings;
    var needle = ui.overviewFilter.value.trim().toLowerCase();
    var severity = ui.overviewSeverity.value;
    var rule = state.rules[group.rule] || {};
    var rows = group.items.filter(function (i) {
      var f = findings[i];
      if (severity && f.severity !== severity) return false;
      if (!needle) return true;
      return [f.identity, f.server, f.kind, f.rule, rule.title, f.remediation.status].some(function (v) {
        return v && String(v).toLowerCase().indexOf(needle) >= 0;
      });
    });
    var key = state.sort.key;
    if (key) {
      var sign = state.sort.descending ? -1 : 1;
      rows.sort(function (a, b) {
        var x = rowValue(findings[a], key);
        var y = rowValue(findings[b], key);
        return x < y ? -sign : x > y ? sign : a - b;
      });
    }
    return rows;
  }

  function drawOverview() {
    var findings = state.result.report.findings;
    var frag = document.createDocumentFragment();
    var shownRows = 0;
    state.groups.forEach(function (group, g) {
      var rule = state.rules[group.rule] || {};
      var rows = overviewRows(group);
      shownRows += rows.length;
      var box = el('div', 'overview-group');
      box.setAttribute('data-testid', 'overview-group');
      box.setAttribute('data-rule', group.rule);
      var head = el('div', 'overview-group-head');
      var title = el('h4', null, (rule.title || group.rule) + ' (' + group.items.length + ')');
      head.appendChild(title);
      var fixes = group.items.filter(function (i) { return findings[i].remediation.commands.length; });
      if (fixes.length) {
        var copy = el('button', 'btn btn-small', 'Copy all fixes for this rule (' + fixes.length + ')');
        copy.type = 'button';
        copy.setAttribute('data-testid', 'copy-rule-fixes');
        copy.addEventListener('click', function () {
          /* Each fix block exactly as the report has it, one after the other. */
          var blocks = [];
          fixes.forEach(function (i) { blocks = blocks.concat(findings[i].remediation.commands); });
          copyText(blocks.join('\n\n'), copy, null);
        });
        head.appendChild(copy);
      }
      box.appendChild(head);
      var table = el('table', 'overview-table');
      var caption = el('caption', 'visually-hidden', 'Findings of the rule ' + (rule.title || group.rule));
      table.appendChild(caption);
      var thead = el('thead');
      var tr = el('tr');
      OVERVIEW_COLUMNS.forEach(function (col) {
        var th = el('th');
        th.setAttribute('scope', 'col');
        var sorted = state.sort.key === col[0];
        th.setAttribute('aria-sort', sorted ? (state.sort.descending ? 'descending' : 'ascending') : 'none');
        var b = el('button', 'sort', col[1]);
        b.type = 'button';
        b.setAttribute('data-sort', col[0]);
        b.addEventListener('click', function () {
          state.sort = { key: col[0], descending: state.sort.key === col[0] && !state.sort.descending };
          drawOverview();
          var again = ui.overviewGroups.querySelectorAll('[data-testid=overview-group]')[g];
          var button = again && again.querySelector('button[data-sort="' + col[0] + '"]');
          if (button) button.focus();
        });
        th.appendChild(b);
        tr.appendChild(th);
      });
      thead.appendChild(tr);
      table.appendChild(thead);
      var tbody = el('tbody');
      rows.slice(0, group.open).forEach(function (i) {
        var f = findings[i];
        var row = el('tr');
        row.setAttribute('data-testid', 'overview-row');
        row.setAttribute('data-finding', String(i));
        var first = el('td');
        var link = el('a', null, f.identity !== null && f.identity !== undefined ? f.identity : '(identity not shown)');
        link.setAttribute('href', '#finding-' + (i + 1));
        link.addEventListener('click', function (ev) {
          ev.preventDefault();
          showFinding(i);
        });
        first.appendChild(link);
        row.appendChild(first);
        row.appendChild(el('td', null, f.server || '\u2014'));
        var sev = el('td');
        sev.appendChild(el('span', 'sev-badge sev-badge-' + f.severity, SEVERITY_WORDS[f.severity] || f.severity));
        row.appendChild(sev);
        row.appendChild(el('td', 'status status-' + f.remediation.safety, f.remediation.status));
        tbody.appendChild(row);
      });
      table.appendChild(tbody);
      var wrap = el('div', 'table-wrap');
      wrap.appendChild(table);
      box.appendChild(wrap);
      if (rows.length > group.open) {
        var more = el('button', 'btn btn-small', 'Show all ' + rows.length + ' rows');
        more.type = 'button';
        more.addEventListener('click', function () {
          group.open = Infinity;
          drawOverview();
        });
        box.appendChild(more);
      }
      if (!rows.length) box.appendChild(el('p', 'field-hint', 'No finding of this rule matches the filter.'));
      frag.appendChild(box);
    });
    ui.overviewGroups.replaceChildren(frag);
    var total = findings.length;
    ui.overviewShown.textContent = shownRows === total ? plural(total, 'finding', 'findings') + ', grouped by rule.'
      : shownRows + ' of ' + plural(total, 'finding', 'findings') + ' match the filter.';
  }

  /* Shows finding i's card, opened, and moves the focus to it. */
  function showFinding(i) {
    if (i >= state.findingsShown) renderFindings(i + 1 - state.findingsShown, false);
    var card = byId('finding-' + (i + 1));
    if (!card) return;
    setCardOpen(card, true);
    var heading = card.querySelector('h4');
    heading.focus();
    heading.scrollIntoView({ block: 'start' });
  }

  function renderRead(r) {
    var sections = [];
    r.inputs.forEach(function (input) {
      input.sections.forEach(function (sec) {
        if (sec.objects) sections.push({ input: input, sec: sec });
      });
    });
    if (!sections.length) return;
    var details = el('details', 'read-details');
    var total = sections.length;
    append(details, el('summary', null, 'What the checker read (' + plural(total, 'section', 'sections') + ')'));
    var ul = el('ul', 'read-list');
    var READ_SHOWN = 30;
    sections.slice(0, READ_SHOWN).forEach(function (x) {
      var sec = x.sec;
      var li = el('li');
      append(li, el('strong', null, sec.cmdlet || 'Unknown cmdlet'), ' ' + sec.format + ', lines ' +
        sec.first_line + '\u2013' + sec.last_line + ': ' + plural(sec.objects, 'object', 'objects'));
      if (r.inputs.length > 1) append(li, ' (' + x.input.name + ')');
      ul.appendChild(li);
    });
    if (total > READ_SHOWN) ul.appendChild(el('li', 'field-hint', 'and ' + (total - READ_SHOWN) + ' more sections'));
    details.appendChild(ul);
    ui.read.appendChild(details);
  }

  function renderFindings(count, fromButton) {
    var findings = state.result.report.findings;
    var start = state.findingsShown;
    var end = Math.min(findings.length, start + count);
    var frag = document.createDocumentFragment();
    for (var i = start; i < end; i++) frag.appendChild(findingCard(findings[i], i));
    ui.findings.appendChild(frag);
    state.findingsShown = end;
    var left = findings.length - end;
    ui.moreFindings.hidden = left <= 0;
    ui.moreFindings.textContent = 'Show ' + Math.min(left, FINDINGS_PAGE) + ' more (' + left + ' not shown yet)';
    if (fromButton && left <= 0 && end > start) {
      var heading = ui.findings.children[start].querySelector('h4');
      if (heading) heading.focus();
    }
  }

  function findingCard(f, index) {
    var rule = state.rules[f.rule] || {};
    var card = el('article', 'finding sev-' + f.severity);
    card.id = 'finding-' + (index + 1);
    card.setAttribute('data-testid', 'finding');
    card.setAttribute('data-rule', f.rule);
    if (f.identity !== null && f.identity !== undefined) card.setAttribute('data-identity', f.identity);
    var label = f.identity !== null && f.identity !== undefined ? f.identity : '(identity not shown)';

    var head = el('header', 'finding-head');
    append(head, el('p', 'sev-badge sev-badge-' + f.severity, SEVERITY_WORDS[f.severity] || f.severity));
    var h = el('h4', 'finding-identity', label);
    h.setAttribute('tabindex', '-1');
    head.appendChild(h);
    var meta = el('p', 'finding-meta');
    append(meta, (index + 1) + '. ' + f.kind + (f.server ? ' on ' + f.server : '') + ' \u00b7 input line ' + f.line +
      (rule.title ? ' \u00b7 ' + rule.title : ''));
    if (state.result.report.example) append(meta, ' \u00b7 ', el('strong', 'example-tag', 'Example'));
    head.appendChild(meta);
    /* Cards after the first few start collapsed to this head; the button opens them. */
    var toggle = el('button', 'btn btn-small card-toggle');
    toggle.type = 'button';
    toggle.setAttribute('aria-controls', card.id + '-body');
    toggle.addEventListener('click', function () {
      setCardOpen(card, card.classList.contains('collapsed'));
    });
    head.appendChild(toggle);
    card.appendChild(head);

    var body = el('div', 'finding-body');
    body.id = card.id + '-body';
    card.appendChild(body);
    setCardOpen(card, index < CARDS_OPEN);

    body.appendChild(richText(el('p', 'finding-message'), f.message));

    if (f.evidence && f.evidence.length) {
      var ev = el('div', 'evidence');
      append(ev, el('h5', null, 'What the input shows'));
      f.evidence.forEach(function (e) {
        var item = el('div', 'evidence-item');
        var m = el('p', 'evidence-meta');
        append(m, el('span', 'evidence-property', e.property), ' \u00b7 input line ' + e.line);
        if (e.truncated) append(m, ' \u00b7 ', el('span', 'cut-short', 'cut short'));
        item.appendChild(m);
        var pre = el('pre', 'evidence-value');
        pre.appendChild(el('code', null, e.value));
        item.appendChild(pre);
        ev.appendChild(item);
      });
      body.appendChild(ev);
    }

    var rem = f.remediation || {};
    var fix = el('div', 'fix');
    append(fix, el('h5', null, rem.safety === 'unavailable' ? 'What to do' : 'How to fix it'));
    if (rem.preferred) fix.appendChild(richText(el('p', 'preferred'), rem.preferred));
    var safety = el('p', 'safety safety-' + rem.safety);
    append(safety, el('strong', null, rem.status), SAFETY_MORE[rem.safety] ? ' \u2014 ' + SAFETY_MORE[rem.safety] : '');
    safety.setAttribute('data-safety', rem.safety);
    fix.appendChild(safety);
    if (rem.notes && rem.notes.length) {
      var notes = el('ul', 'notes');
      rem.notes.forEach(function (n) {
        notes.appendChild(richText(el('li'), n));
      });
      fix.appendChild(notes);
    }
    var who = label;
    [
      ['commands', 'Fix', 'fix', rem.commands],
      ['verify', 'Verify', 'verify', rem.verify],
      ['rollback', 'Roll back (only if the fix causes trouble)', 'rollback', rem.rollback]
    ].forEach(function (list) {
      if (list[3] && list[3].length) fix.appendChild(commandList(list[0], list[1], list[2], list[3], who));
    });
    body.appendChild(fix);

    var why = el('details', 'why');
    append(why, el('summary', null, 'Why it matters'));
    if (rule.why_it_matters) why.appendChild(richText(el('p'), rule.why_it_matters));
    if (rule.fix_safety) {
      var fs = el('p');
      append(fs, el('strong', null, 'About the fix: '));
      why.appendChild(richText(fs, rule.fix_safety));
    }
    if (rule.why_it_matters || rule.fix_safety) body.appendChild(why);

    var refs = [];
    (f.references || []).concat(rule.references || []).forEach(function (ref) {
      if (ref && ref.url && !refs.some(function (r) { return r.url === ref.url; })) refs.push(ref);
    });
    if (refs.length) {
      var rp = el('p', 'references');
      append(rp, 'References: ');
      refs.forEach(function (ref, i) {
        if (i) append(rp, ' \u00b7 ');
        if (/^https:\/\//.test(ref.url)) {
          var a = el('a', null, ref.name);
          a.setAttribute('href', ref.url);
          a.setAttribute('rel', 'noreferrer noopener');
          a.setAttribute('target', '_blank');
          append(rp, a);
        } else {
          append(rp, ref.name + ' (' + ref.url + ')');
        }
      });
      body.appendChild(rp);
    }
    return card;
  }

  function setCardOpen(card, open) {
    card.classList.toggle('collapsed', !open);
    var toggle = card.querySelector('.card-toggle');
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    toggle.textContent = open ? 'Hide details' : 'Show details';
    toggle.setAttribute('aria-label', toggle.textContent + ': ' + shown(card.getAttribute('data-identity') || 'this finding'));
  }

  function commandList(testid, title, word, commands, who) {
    var box = el('div', 'cmd-list cmd-list-' + testid);
    box.setAttribute('data-testid', testid);
    var head = el('div', 'cmd-head');
    append(head, el('h6', null, title));
    commands = commands || [];
    if (commands.length > 1) {
      var all = el('button', 'btn btn-small', 'Copy all');
      all.type = 'button';
      all.setAttribute('aria-label', 'Copy all ' + commands.length + ' ' + word + ' commands for ' + who);
      all.addEventListener('click', function () {
        copyText(commands.join('\n'), all, null);
      });
      head.appendChild(all);
    }
    box.appendChild(head);
    var ol = el('ol', 'cmds');
    commands.forEach(function (cmd, i) {
      ol.appendChild(commandRow('li', 'cmd', cmd, 'Copy ' + word + ' command ' + (i + 1) + ' for ' + who));
    });
    box.appendChild(ol);
    return box;
  }

  /* One command, shown exactly and wrapped to the width there is, with a Copy button that copies
   * exactly it. A block of several lines is one command with one button. */
  function commandRow(tag, className, cmd, label) {
    var row = el(tag, className);
    var pre = el('pre', 'wrapped');
    var code = document.createElement('code');
    setCommandText(code, cmd);
    pre.appendChild(code);
    var b = el('button', 'btn btn-small', 'Copy');
    b.type = 'button';
    b.setAttribute('aria-label', label);
    b.addEventListener('click', function () {
      copyText(cmd, b, code);
    });
    append(row, pre, b);
    return row;
  }

  /* Puts a command into `code` as it is (the core quotes or refuses every hidden character, and
   * the line breaks of a block must stay line breaks), one span per line so that a wrapped line
   * is indented under its start, with a break opportunity (<wbr>, which adds no text) after each
   * separator. The element's text stays exactly the command. */
  function setCommandText(code, cmd) {
    code.textContent = '';
    var lines = String(cmd).split('\n');
    for (var i = 0; i < lines.length; i++) {
      var line = el('span', 'cmd-line');
      /* Separators, spaces and words; a cmdlet's name or a parameter (Set-ReceiveConnector,
       * -Identity) is kept whole, since a browser may break a line after a hyphen. */
      var parts = lines[i].split(/([,;|\\]| +)/);
      for (var j = 0; j < parts.length; j++) {
        var part = parts[j];
        if (!part) continue;
        if (j % 2 === 0 && /^-?[A-Za-z]+-?[A-Za-z]+$/.test(part)) {
          var word = el('span', 'nobr');
          word.textContent = part;
          line.appendChild(word);
        } else {
          line.appendChild(document.createTextNode(part));
        }
        /* A break after a separator, unless a space follows it (the space is one already). */
        var next = parts[j + 1] || parts[j + 2] || '';
        if (j % 2 === 1 && part.charAt(0) !== ' ' && next.charAt(0) !== ' ') line.appendChild(document.createElement('wbr'));
      }
      if (i < lines.length - 1) line.appendChild(document.createTextNode('\n'));
      code.appendChild(line);
    }
  }

  function renderDiagnostics(count, fromButton) {
    var diagnostics = state.result.report.diagnostics;
    var start = state.diagnosticsShown;
    var end = Math.min(diagnostics.length, start + count);
    var frag = document.createDocumentFragment();
    diagnostics.slice(start, end).forEach(function (d) {
      var li = el('li', 'diag sev-' + d.severity);
      li.setAttribute('data-testid', 'diagnostic');
      li.setAttribute('data-code', d.code);
      var p = el('p', 'diag-message');
      append(p, el('span', 'sev-badge sev-badge-' + d.severity, SEVERITY_WORDS[d.severity] || d.severity), ' ');
      if (d.line !== null && d.line !== undefined) append(p, el('span', 'diag-line', 'Line ' + d.line + ':'), ' ');
      richText(p, d.message);
      li.appendChild(p);
      if (d.hint) {
        var h = el('p', 'hint');
        append(h, el('strong', null, 'What to do instead: '));
        li.appendChild(richText(h, d.hint));
        (d.commands || []).forEach(function (cmd, i) {
          li.appendChild(commandRow('div', 'cmd hint-cmd', cmd, 'Copy command ' + (i + 1) + ' of this hint'));
        });
      }
      frag.appendChild(li);
    });
    ui.diagnostics.appendChild(frag);
    state.diagnosticsShown = end;
    var left = diagnostics.length - end;
    ui.moreDiagnostics.hidden = left <= 0;
    ui.moreDiagnostics.textContent = 'Show ' + Math.min(left, DIAGNOSTICS_PAGE) + ' more (' + left + ' not shown yet)';
    if (fromButton && left <= 0 && end > start) focusFirst(ui.diagnostics.children[start]);
  }

  /* The rules that could not run, grouped by the output they lack (the report lists them by rule):
   * one item per missing output, with the rules it would let run and its command. */
  var SIDE_WORDS = { 'on-premises': 'on premises', 'each-server': 'on each Exchange server', 'exchange-online': 'in Exchange Online' };
  function renderNotRun(notRun) {
    var byKind = [];
    notRun.forEach(function (r) {
      r.missing.forEach(function (m) {
        var found = byKind.filter(function (g) { return g.paste.kind === m.kind; })[0];
        if (found) found.rules.push(r.rule);
        else byKind.push({ paste: m, rules: [r.rule] });
      });
    });
    byKind.forEach(function (g) {
      var li = el('li', 'diag');
      li.setAttribute('data-testid', 'missing-paste');
      li.setAttribute('data-kind', g.paste.kind);
      li.appendChild(el('p', 'diag-message', 'Add the output for ' + g.paste.what + ' (run ' + (SIDE_WORDS[g.paste.side] || g.paste.side) + ') to run: ' + g.rules.join(', ') + '.'));
      li.appendChild(commandRow('div', 'cmd hint-cmd', g.paste.command, 'Copy the command for ' + g.paste.what));
      ui.notRunList.appendChild(li);
    });
    ui.notRunSummary.textContent = 'Rules not run (' + notRun.length + ')';
    ui.notRunArea.hidden = false;
  }

  function focusFirst(node) {
    var target = node && node.querySelector('p');
    if (!target) return;
    target.setAttribute('tabindex', '-1');
    target.focus();
  }

  function renderUnrecognized(count, fromButton) {
    var r = state.result.report;
    var lines = r.unrecognized;
    var start = state.unrecognizedShown;
    var end = Math.min(lines.length, start + count);
    var frag = document.createDocumentFragment();
    for (var i = start; i < end; i++) {
      var u = lines[i];
      var li = el('li');
      append(li, el('span', 'line-no', 'Line ' + u.line), ' ', el('code', 'line-text', u.text));
      frag.appendChild(li);
    }
    ui.unrecognizedList.appendChild(frag);
    state.unrecognizedShown = end;
    var total = Math.max(r.summary.unrecognized_lines || 0, lines.length);
    ui.unrecognizedSummary.textContent = 'Lines not understood (' + total + ')';
    var left = lines.length - end;
    ui.moreUnrecognized.hidden = left <= 0;
    ui.moreUnrecognized.textContent = 'Show ' + Math.min(left, UNRECOGNIZED_PAGE) + ' more lines (' + left + ' not shown yet)';
    if (fromButton && left <= 0) ui.unrecognizedSummary.focus();
  }

  function renderScript(script, r) {
    ui.scriptArea.hidden = false;
    [[ui.downloadPs1, 'fix.ps1'], [ui.downloadJson, 'report.json'], [ui.downloadMd, 'report.md']].forEach(function (d) {
      d[0].querySelector('.filename').textContent = downloadName(d[1]);
    });
    if (script.length > SCRIPT_SHOWN_MAX) {
      var cut = script.lastIndexOf('\n', SCRIPT_SHOWN_MAX);
      ui.script.textContent = script.slice(0, cut > 0 ? cut : SCRIPT_SHOWN_MAX);
      ui.scriptCut.hidden = false;
      ui.scriptCut.textContent = 'Only the start of the script is shown here (' + sizeWords(script.length) +
        ' in all). Copy and Download give you all of it.';
    } else {
      ui.script.textContent = script;
    }
    var hasFix = r.findings.some(function (f) { return f.remediation && f.remediation.commands.length; });
    ui.scriptArea.classList.toggle('no-fix', !hasFix);
  }

  /* ---------- copy and download ---------- */

  function announce(text) {
    clearTimeout(state.announceTimer);
    ui.announcer.textContent = '';
    state.announceTimer = setTimeout(function () {
      ui.announcer.textContent = text;
    }, 30);
  }

  function flash(button, text) {
    if (!button) return;
    if (!button.hasAttribute('data-label')) button.setAttribute('data-label', button.textContent);
    button.textContent = text;
    button.classList.add('copied');
    clearTimeout(button.flashTimer);
    button.flashTimer = setTimeout(function () {
      button.textContent = button.getAttribute('data-label');
      button.classList.remove('copied');
    }, 1800);
  }

  function selectNode(node) {
    var sel = window.getSelection();
    if (!sel) return;
    var range = document.createRange();
    range.selectNodeContents(node);
    sel.removeAllRanges();
    sel.addRange(range);
  }

  /* Copies exactly `text`. Without the clipboard API (or when it refuses), selects `node`, which
   * shows exactly `text`, or a hidden copy of it, and asks the browser to copy the selection. */
  function copyText(text, button, node) {
    /* A block of several lines shown as one span per line would be selected with extra line
     * breaks between the spans: it is copied from a hidden copy instead. */
    if (node && text.indexOf('\n') >= 0 && node.querySelector('.cmd-line')) node = null;
    function done() {
      flash(button, 'Copied');
      announce('Copied');
    }
    function fallback() {
      var temp = null;
      var focused = document.activeElement;
      if (node) {
        selectNode(node);
      } else {
        temp = el('textarea', 'offscreen');
        temp.value = text;
        temp.setAttribute('readonly', '');
        temp.setAttribute('aria-hidden', 'true');
        temp.setAttribute('tabindex', '-1');
        document.body.appendChild(temp);
        temp.select();
      }
      var ok = false;
      try {
        ok = document.execCommand('copy');
      } catch (e) {
        ok = false;
      }
      if (temp) {
        temp.remove();
        if (focused && focused.focus) focused.focus();
      }
      if (ok) {
        done();
      } else if (node) {
        flash(button, 'Selected');
        announce('Selected. Press Ctrl+C to copy.');
      } else {
        flash(button, 'Copy failed');
        announce('Copying is blocked here. Select the commands and press Ctrl+C.');
      }
    }
    if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  /* The example's downloads say so in their names too. */
  function downloadName(what) {
    return (state.result.report.example ? 'hybridcheck-example-' : 'hybridcheck-') + what;
  }

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.className = 'offscreen';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 1000);
    announce('Downloading ' + name);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
