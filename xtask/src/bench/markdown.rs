//! The tables a run prints, and BENCHMARKS.md: its fixed text, the current figures, and the
//! history of the previous runs.

use super::figures::{shown, status, Bench, Figure, Unit};
use super::hostile::HOSTILE_RUNS;
use super::inputs::Format;
use super::{
    GOAL_HOSTILE_MB, GOAL_HOSTILE_MS, GOAL_LINEAR, GOAL_MEMORY, GOAL_PAGE_BYTES, GOAL_READY_MS, GOAL_WASM_RATIO,
    HISTORY_CSV, MB, READY_RUNS, RUNS,
};
use crate::util::{read_text, write_atomically, Result};
use std::fmt::Write as _;
use std::path::Path;

impl Bench {
    /// The tables: goals, per input, Node, page, sizes, and every figure against the previous run.
    pub(super) fn markdown(&self, figures: &[Figure], previous: Option<&Previous>) -> String {
        let mut md = String::new();
        self.goals_markdown(&mut md, figures);
        self.native_markdown(&mut md);
        self.grep_markdown(&mut md);
        self.linearity_markdown(&mut md);
        self.hostile_markdown(&mut md);
        self.node_markdown(&mut md);
        self.page_markdown(&mut md);
        self.sizes_markdown(&mut md);
        if !self.notes.is_empty() {
            md.push_str("\n### Notes\n\n");
            for note in &self.notes {
                let _ = writeln!(md, "- {note}");
            }
        }
        self.comparison_markdown(&mut md, figures, previous);
        md
    }

    /// Every goal with its figure and status, in the order BENCHMARKS.md states them.
    fn goals_markdown(&self, md: &mut String, figures: &[Figure]) {
        md.push_str("### Goals\n\n| goal | measured | status |\n|---|---:|:---:|\n");
        // In the order the goals are stated.
        let order = [
            ".native_vs_grep",
            "linearity",
            ".native_above_rest_x",
            ".wasm_vs_native",
            "hostile.worst_ms",
            "hostile.worst_mb",
            "size.page",
            "page.ready_ms",
        ];
        let rank = |f: &Figure| order.iter().position(|end| f.key.ends_with(end)).unwrap_or(order.len());
        let mut goals: Vec<&Figure> = figures.iter().filter(|f| f.goal.is_some()).collect();
        goals.sort_by_key(|f| rank(f));
        for f in goals {
            let (goal, pass) = f.goal.as_ref().unwrap();
            let _ = writeln!(md, "| {}: {goal} | {} | {} |", f.label, f.unit.show(f.value), status(*pass));
        }
    }

    /// The native CLI against grep on every input.
    fn native_markdown(&self, md: &mut String) {
        md.push_str("\n### Native CLI against `grep -ci 'MSIT Machine Auth CA 2'`\n\n");
        md.push_str(&format!("The CLI as `cargo build --release` makes it. Best of {RUNS} wall times; peak memory is the highest of the {RUNS} runs \
(GNU time `%M`), and \"above rest / input\" is that peak less the CLI's resting floor (`--version`), per byte of input. \
\"affected\" is what the generator put in, \"found\" what `hybridcheck --format json` reported (rule `legacy-exo-tls-capability`), \
\"grep\" the lines `grep -ci` counts.\n\n"));
        md.push_str("| input | size | servers | native | grep -ci | native / grep | peak memory | above rest / input | grep peak | affected | found | grep |\n");
        md.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (input, native) in self.inputs.iter().zip(&self.natives) {
            let mb = input.bytes as f64 / MB;
            let (peak, peak_x) = match (native.rss_mb, self.resting_mb) {
                (Some(rss), Some(resting)) => {
                    let above = (rss - resting) / mb;
                    (Unit::Mb.show(rss), format!("{} {}", Unit::Times.show(above), status(above <= GOAL_MEMORY)))
                }
                (Some(rss), None) => (Unit::Mb.show(rss), "not measured".into()),
                _ => ("not measured".into(), "not measured".into()),
            };
            let _ = writeln!(
                md,
                "| {} ({}) | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                input.key,
                input.format.describe(),
                Unit::Mb.show(mb),
                input.servers,
                Unit::Ms.show(native.ms),
                Unit::Ms.show(native.grep_ms),
                Unit::Times.show(native.ms / native.grep_ms),
                peak,
                peak_x,
                native.grep_rss_mb.map_or("not measured".into(), |mb| Unit::Mb.show(mb)),
                input.truth.affected,
                native.found,
                native.grep_count,
            );
        }
        if let Some(resting) = self.resting_mb {
            let _ = writeln!(
                md,
                "\nAt rest (`hybridcheck --version`, reading nothing) the CLI peaks at {}: the C library, the program and \
its stack, mapped before any input is read. That floor is the same for every input, so the memory goal counts what a check \
adds to it. grep's own peaks are in the table.",
                Unit::Mb.show(resting)
            );
        }
        if let (Some(resting), Some(example)) = (self.resting_mb, self.example_mb) {
            let _ = writeln!(
                md,
                "\nA check of the built-in example (a few KB) peaks at {}, {} above the resting floor: the pages of the program's \
code that a check runs, which `--version` never maps in, whatever the input's size.{}",
                Unit::Mb.show(example),
                Unit::Mb.show(example - resting),
                self.above_example_sentence(example)
            );
        }
    }

    /// For the smallest input: what its check adds above the example's check, per byte of input.
    fn above_example_sentence(&self, example: f64) -> String {
        let smallest = self.inputs.iter().zip(&self.natives).min_by_key(|(input, _)| input.bytes);
        let Some((input, Some(rss))) = smallest.map(|(input, native)| (input, native.rss_mb)) else {
            return String::new();
        };
        let mb = input.bytes as f64 / MB;
        format!(
            " Above that, {} adds {} ({} its size).",
            input.key,
            Unit::Mb.show(rss - example),
            Unit::Times.show((rss - example) / mb)
        )
    }

    /// Why grep's count is wrong, with what it should and will say for each Format-List input.
    fn grep_markdown(&self, md: &mut String) {
        md.push_str("\nWhy grep's count is wrong: it counts lines, so it misses every affected connector whose words wrap across two \
Format-List lines (the current entry listed first), counts every fixed connector whose `Comment` quotes the old entry, and finds \
nothing in UTF-16 Export-Clixml files.\n");
        for input in &self.inputs {
            if matches!(input.format, Format::Fl | Format::FlStar2019) {
                let _ = writeln!(
                    md,
                    "- {}: {} affected, of which {} wrap across lines; {} comment traps: grep should say {} if it were right, and is expected to say {}.",
                    input.key,
                    input.truth.affected,
                    input.truth.split,
                    input.truth.comment,
                    input.truth.affected,
                    input.truth.affected - input.truth.split + input.truth.comment
                );
            }
        }
    }

    /// The native times per MB of the Format-List inputs, and whether the largest stays linear.
    fn linearity_markdown(&self, md: &mut String) {
        let (per_mb, verdict) = self.linearity();
        md.push_str(
            "\n### Linearity (native, Format-List)\n\n| input | size | native | ms per MB |\n|---|---:|---:|---:|\n",
        );
        for ((input, v), (_, native)) in per_mb.iter().zip(self.fl()) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                input.key,
                Unit::Mb.show(input.bytes as f64 / MB),
                Unit::Ms.show(native.ms),
                Unit::MsPerMb.show(*v)
            );
        }
        if let (Some((ratio, pass)), Some(((first, _), (last, _)))) = (verdict, per_mb.first().zip(per_mb.last())) {
            let t_first = self.fl().first().map(|(_, n)| n.ms).unwrap_or(f64::NAN);
            let t_last = self.fl().last().map(|(_, n)| n.ms).unwrap_or(f64::NAN);
            let _ = writeln!(
                md,
                "\nFrom {} to {}: the input grows {:.1} ×, the time {:.1} ×. ms per MB at the largest size is {:.2} × the best smaller size: {} (goal ≤ {GOAL_LINEAR}).",
                first.key,
                last.key,
                last.bytes as f64 / first.bytes as f64,
                t_last / t_first,
                ratio,
                status(pass)
            );
        }
    }

    /// The wasm build in Node against the native CLI.
    fn node_markdown(&self, md: &mut String) {
        md.push_str(
            "\n### WebAssembly in Node (`checkBytes`, the page's wasm through `wasm-bindgen --target nodejs` and the page's wasm-opt)\n\n",
        );
        md.push_str(&format!("Best of {RUNS} calls in one Node process, after calls for a second to warm up: V8 moves a wasm function to its \
optimising compiler only after it has run a while, and a check of 1 MB is over before that (as in a page that checks one paste \
after another). The first call, cold (the wasm memory still growing, the code still V8's baseline), is shown too. \
`checkBytes` also renders the fix script and the Markdown report and converts the report to JS objects; the CLI only writes \
JSON. Node's peak RSS includes Node itself and the input read into JS.\n\n"));
        md.push_str("| input | size | wasm in Node | first call | native | wasm / native | Node peak RSS | wasm memory |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for ((input, native), node) in self.inputs.iter().zip(&self.natives).zip(&self.nodes) {
            match node {
                Some(node) => {
                    let r = node.ms / native.ms;
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} | {} | {} {} | {} | {} |",
                        input.key,
                        Unit::Mb.show(input.bytes as f64 / MB),
                        Unit::Ms.show(node.ms),
                        node.first.map_or("".into(), |v| Unit::Ms.show(v)),
                        Unit::Ms.show(native.ms),
                        Unit::Times.show(r),
                        status(r <= GOAL_WASM_RATIO),
                        node.rss_mb.map_or("not measured".into(), |v| Unit::Mb.show(v)),
                        Unit::Mb.show(node.wasm_memory_mb),
                    );
                }
                None => {
                    let _ = writeln!(
                        md,
                        "| {} | {} | not measured | | {} | | | |",
                        input.key,
                        Unit::Mb.show(input.bytes as f64 / MB),
                        Unit::Ms.show(native.ms)
                    );
                }
            }
        }
    }

    /// The page's times in headless Chromium.
    fn page_markdown(&self, md: &mut String) {
        md.push_str("\n### The page in headless Chromium (file://)\n\n");
        match &self.browser {
            Some(b) => {
                let runs = b.ready_runs.iter().map(|v| format!("{v:.0}")).collect::<Vec<_>>().join(", ");
                let _ = writeln!(
                    md,
                    "- Ready (navigation start to the example's findings in the DOM and `data-state=ready`, `performance.now()`), best of {READY_RUNS}: **{}** {} (goal ≤ {GOAL_READY_MS} ms); runs: {runs} ms. In the best run DOMContentLoaded came at {} and the next frame after ready at {}.",
                    Unit::Ms.show(b.ready_ms),
                    status(b.ready_ms <= GOAL_READY_MS),
                    shown(b.dcl_ms),
                    Unit::Ms.show(b.frame_ms)
                );
                for p in &b.pastes {
                    let _ = writeln!(
                        md,
                        "- Paste of {} ({:.1} million characters) to the first finding card, best of {RUNS}: **{}**. Of the best run: the paste event (and, below 1 MiB, the value and input events) {}, the check {} and rendering {} (the page's own `hybridcheckTiming`); the rest is the handing of the text to the page's worker and back, and the browser's layout. {} cards shown.",
                        p.key,
                        p.chars / 1e6,
                        Unit::Ms.show(p.ms),
                        Unit::Ms.show(p.sync_ms),
                        shown(p.check_ms),
                        shown(p.render_ms),
                        p.cards
                    );
                }
            }
            None => md.push_str("- Not measured (see the notes).\n"),
        }
    }

    /// The sizes of the page and of the wasm.
    fn sizes_markdown(&self, md: &mut String) {
        md.push_str("\n### Sizes\n\n| file | raw | gzip -9 | brotli -q 11 |\n|---|---:|---:|---:|\n");
        let _ = writeln!(
            md,
            "| dist/hybridcheck.html | {} {} | {} | {} |",
            Unit::Bytes.show(self.sizes.page as f64),
            status(self.sizes.page < GOAL_PAGE_BYTES),
            Unit::Bytes.show(self.sizes.page_gzip as f64),
            self.sizes.page_brotli.map_or("not measured".into(), |b| Unit::Bytes.show(b as f64))
        );
        let _ = writeln!(
            md,
            "| target/web/hybridcheck.wasm (the wasm the page inlines) | {} | {} | |",
            Unit::Bytes.show(self.sizes.wasm as f64),
            Unit::Bytes.show(self.sizes.wasm_gzip as f64)
        );
    }

    /// Every figure against the previous recorded run.
    fn comparison_markdown(&self, md: &mut String, figures: &[Figure], previous: Option<&Previous>) {
        md.push_str("\n### Every figure against the previous recorded run\n\n");
        match previous {
            Some(p) => {
                let _ = writeln!(md, "Previous: {} ({}).\n", p.date, p.commit);
            }
            None => md.push_str("No previous run is recorded in BENCHMARKS.md.\n\n"),
        }
        md.push_str("| figure | now | previous | change |\n|---|---:|---:|---:|\n");
        for f in figures {
            let (prev, change) = match previous.and_then(|p| p.value(&f.key)) {
                Some(v) => (f.unit.show(v), change(f.value, v)),
                None => ("—".into(), "—".into()),
            };
            let _ = writeln!(md, "| {} | {} | {prev} | {change} |", f.label, f.unit.show(f.value));
        }
    }

    /// The hostile shapes: one row per shape, time and peak memory at each size.
    fn hostile_markdown(&self, md: &mut String) {
        let mut sizes: Vec<usize> = Vec::new();
        let mut shapes: Vec<&str> = Vec::new();
        for run in &self.hostile {
            if !shapes.contains(&run.shape) {
                shapes.push(run.shape);
            }
            if !sizes.contains(&run.size) {
                sizes.push(run.size);
            }
        }
        if shapes.is_empty() {
            return;
        }
        let _ = writeln!(
            md,
            "\n### Hostile inputs (the CLI, best of {HOSTILE_RUNS}; `xtask/src/bench/hostile.rs`)\n\n\
Shapes built to make a careless reader slow or greedy, each checked at about {} (a little less or more, as the shape \
allows). Each cell is the time and the peak memory of the whole process.\n",
            sizes.iter().map(|b| format!("{:.0} KB", *b as f64 / 1000.0)).collect::<Vec<_>>().join(", ")
        );
        md.push_str("| shape |");
        for b in &sizes {
            let _ = write!(md, " {:.0} KB |", *b as f64 / 1000.0);
        }
        md.push_str("\n|---|");
        md.push_str(&"---:|".repeat(sizes.len()));
        md.push('\n');
        for shape in shapes {
            let _ = write!(md, "| {shape} |");
            for run in self.hostile.iter().filter(|r| r.shape == shape) {
                let memory = run.rss_mb.map_or("not measured".into(), |mb| Unit::Mb.show(mb));
                let _ = write!(md, " {}, {} |", Unit::Ms.show(run.ms), memory);
            }
            md.push('\n');
        }
        let (slowest, greediest) = self.hostile_worst();
        if let (Some(slowest), Some(greediest)) = (slowest, greediest) {
            let _ = writeln!(
                md,
                "\nThe slowest: {} at {:.0} KB, {} {} (goal ≤ {GOAL_HOSTILE_MS} ms). The greediest: {} at {:.0} KB, {} {} (goal ≤ {GOAL_HOSTILE_MB} MB).",
                slowest.shape,
                slowest.bytes as f64 / 1000.0,
                Unit::Ms.show(slowest.ms),
                status(slowest.ms <= GOAL_HOSTILE_MS),
                greediest.shape,
                greediest.bytes as f64 / 1000.0,
                greediest.rss_mb.map_or("not measured".into(), |mb| Unit::Mb.show(mb)),
                status(greediest.rss_mb.is_some_and(|mb| mb <= GOAL_HOSTILE_MB)),
            );
        }
    }

    /// BENCHMARKS.md with this run as "Current", and the runs it moves out of "History" (all but
    /// the last [`HISTORY_RUNS`]) as rows for `tests/bench/history.csv`.
    pub(super) fn benchmarks_md(
        &self,
        figures: &[Figure],
        previous: Option<&Previous>,
        tables: &str,
    ) -> (String, Vec<HistoryRow>) {
        let mut md = String::new();
        md.push_str(&BENCHMARKS_HEAD.replace("{runs}", &RUNS.to_string()));
        md.push_str("\n## Current\n\n");
        for (k, v) in self.machine.lines() {
            let _ = writeln!(md, "- {k}: {v}");
        }
        md.push('\n');
        md.push_str(tables);
        // The figures in a form the next `--write` reads back.
        md.push_str("\n<!-- bench-figures (read by the next `cargo xtask bench --write`; tab-separated)\n");
        let _ = writeln!(md, "date\t{}", self.machine.date);
        let _ = writeln!(md, "commit\t{}", self.machine.commit);
        for f in figures {
            let change = previous.and_then(|p| p.value(&f.key)).map_or(String::new(), |v| change(f.value, v));
            let _ = writeln!(md, "figure\t{}\t{}\t{}\t{}\t{}", f.key, f.value, f.unit.name(), f.label, change);
        }
        md.push_str("-->\n\n## History\n\n");
        let _ = write!(
            md,
            "Each `cargo xtask bench --write` moves the figures it replaces here, one line per figure, with each figure's \
change against the run before it. Oldest first; the last {HISTORY_RUNS} runs are kept here, older ones in `{HISTORY_CSV}`.\n\n"
        );
        md.push_str(HISTORY_MARK);
        md.push('\n');
        let mut history = String::new();
        if let Some(p) = previous {
            history.push_str(&p.history);
            let _ = writeln!(history, "\n### {} ({})\n", p.date, p.commit);
            for (key, value, unit, label, change) in &p.figures {
                let _ = key;
                let unit = Unit::parse(unit);
                let vs = if change.is_empty() { String::new() } else { format!(" ({change} against the run before)") };
                let _ = writeln!(history, "- {label}: {}{vs}", unit.show(*value));
            }
        }
        let (kept, older) = keep_last_runs(&history, HISTORY_RUNS);
        md.push_str(&kept);
        (md, older)
    }
}

/// How many previous runs BENCHMARKS.md shows.
pub(super) const HISTORY_RUNS: usize = 3;

/// One figure of a run that BENCHMARKS.md no longer shows: a row of `tests/bench/history.csv`.
#[derive(Debug, PartialEq)]
pub(super) struct HistoryRow {
    pub(super) run: String,
    pub(super) figure: String,
    pub(super) value: String,
    pub(super) change: String,
}

/// Splits the history (`### run` sections of `- label: value` lines, oldest first) into the text
/// of the last `keep` runs and the rows of the older ones.
pub(super) fn keep_last_runs(history: &str, keep: usize) -> (String, Vec<HistoryRow>) {
    let starts: Vec<usize> = history
        .match_indices("### ")
        .filter(|(at, _)| *at == 0 || history[..*at].ends_with('\n'))
        .map(|(at, _)| at)
        .collect();
    if starts.len() <= keep {
        return (history.to_owned(), Vec::new());
    }
    let cut = starts[starts.len() - keep];
    let mut rows = Vec::new();
    let mut run = String::new();
    for line in history[..cut].lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            run = heading.trim().to_owned();
        } else if let Some(entry) = line.strip_prefix("- ") {
            // Labels may hold `: ` themselves (`fl-50: input size`); values never do.
            let (figure, shown) = entry.rsplit_once(": ").unwrap_or((entry, ""));
            let (value, change) = match shown.split_once(" (") {
                Some((value, rest)) => (value, rest.trim_end_matches(')').trim_end_matches(" against the run before")),
                None => (shown, ""),
            };
            rows.push(HistoryRow {
                run: run.clone(),
                figure: figure.to_owned(),
                value: value.to_owned(),
                change: change.to_owned(),
            });
        }
    }
    (history[cut..].to_owned(), rows)
}

/// Appends `rows` to the history CSV, writing its header first when the file is new.
pub(super) fn append_history_csv(path: &Path, rows: &[HistoryRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut text = read_text(path).unwrap_or_default();
    if text.is_empty() {
        text.push_str("run,figure,value,change against the run before\n");
    }
    let field = |value: &str| {
        if value.contains([',', '"', '\n']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_owned()
        }
    };
    for row in rows {
        let _ =
            writeln!(text, "{},{},{},{}", field(&row.run), field(&row.figure), field(&row.value), field(&row.change));
    }
    write_atomically(path, text.as_bytes())
}

/// `+3.2 %` or `−3.2 %`.
pub(super) fn change(now: f64, before: f64) -> String {
    if before == 0.0 {
        return if now == 0.0 { "0 %".into() } else { "new".into() };
    }
    let pct = (now - before) / before * 100.0;
    if pct.abs() < 0.05 {
        "0 %".into()
    } else if pct > 0.0 {
        format!("+{pct:.1} %")
    } else {
        format!("−{:.1} %", -pct)
    }
}

pub(super) const HISTORY_MARK: &str = "<!-- history: entries are appended below this line -->";

pub(super) const BENCHMARKS_HEAD: &str = "# Benchmarks

How fast, how lean and how small hybridcheck is. Every figure here is written by

```sh
cargo xtask bench --write
```

which builds the CLI as the README builds it (`cargo build --release`), the page's wasm (`--profile wasm`) and the page
(`cargo xtask dist`), generates the inputs, measures, writes `target/bench/results.json`, and rewrites this file (the previous
\"Current\" figures move to \"History\", which keeps the last three runs; older ones are in `tests/bench/history.csv`).
Without `--write` it only prints; `--quick` tries the bench on the small inputs only. It is not part of `cargo xtask test` and
takes a few minutes.

## What is measured

- **Inputs** (generated into `target/bench/` by `xtask/src/bench/`, seeded and deterministic): organisations of 50, 500 and
  5,000 Exchange 2013 servers, each with its five default receive connectors (`Default`, `Client Proxy`, `Default Frontend`,
  `Outbound Proxy Frontend`, `Client Frontend`) in the full `Get-ReceiveConnector | fl` property set: label column 39,
  console width 120, word wrap with trailing spaces kept, CRLF, a `[PS] C:\\Windows\\system32>` prompt per server. About 1 in 7
  `Default Frontend` connectors has the legacy `MSIT Machine Auth CA 2` entry: most alone, some after the current entry (its
  words then wrap across two lines), some before it. About 1 in 50 connectors (fixed `Default Frontend` ones) quote the old
  entry only in `Comment`. The 50- and 500-server organisations are also written as ConvertTo-Json (Windows PowerShell 5.1
  layout, UTF-8 with BOM) and as Export-Clixml (UTF-16LE with BOM, Exchange's type names). And `fl19`: one
  `Get-ReceiveConnector | Format-List *` of about 100 MB from a large Exchange 2019 organisation (4,350 servers, every property
  an Exchange 2019 connector shows, label column 41), where about 1 in 25 servers receives mail from Exchange Online and a few
  of those still have the legacy entry. 1 MB = 10^6 bytes.
- **Native**: `target/release/hybridcheck --format json FILE > /dev/null` (the binary `cargo build --release` makes) against
  `grep -ci 'MSIT Machine Auth CA 2' FILE > FILE.out`, best of {runs} wall times each, the two taking turns, peak memory from GNU
  time (`%M`, highest of the {runs} runs), and the CLI's resting floor from `hybridcheck --version`. grep writes to a file: GNU grep
  notices an output of `/dev/null` and stops at the first match, which would time nothing. Every run is checked: hybridcheck
  must find exactly the affected connectors the generator put in.
- **Hostile inputs**: shapes built to make a careless reader slow or greedy (`xtask/src/bench/hostile.rs`: tables and CSVs as
  wide as they are long, a warning wrapped over thousands of lines, many small Export-Clixml documents multiplying by `<Ref>`, a
  queue full of one error, deep nesting, random text, a seeded splice of them all), each at about 64 KB, 256 KB and 1 MB,
  checked by the CLI, best of 3; the slowest and the greediest count.
- **Wasm in Node**: the page's wasm (`cargo build --target wasm32-unknown-unknown --profile wasm --lib`, then
  `wasm-bindgen --target nodejs`, then wasm-opt with the page's arguments from `wasm-pack.toml`, so the code the page ships)
  calling `checkBytes` on each input, best of {runs} after a second of warm-up calls (`tests/bench/node.mjs`).
- **Page**: `dist/hybridcheck.html` from file:// in headless Chromium through playwright-core (`tests/bench/page.mjs`).
  Ready is `performance.now()` (from navigation start) when the page has set `data-state=ready` with the example's finding
  cards in the DOM, best of 5 fresh contexts. Paste is what a browser does on Ctrl+V: a `paste` event carrying the text (the
  page takes a paste of more than 1 MiB over and checks it without laying it out in the box; a smaller one goes into the box
  with an `input` event), timed to the first finding card of that check.
- **Sizes**: the page raw, `gzip -9` and `brotli -q 11` (when the `brotli` command exists), and the optimised wasm inside it.

## Goals

- The CLI as the README builds it, on the 100 MB Format-List and on the 100 MB Exchange 2019 `Format-List *`, within 3 × the
  time of `grep -ci` on the same file.
- Time linear from 1 to 100 MB: ms per MB at 100 MB at most 1.25 × the best of the smaller sizes.
- Peak memory above the CLI's resting floor (`--version`) within 2 × the input, at every size from 1 MB up.
- Wasm in Node within 2 × native on the same input.
- No input of up to 1 MB, whatever its shape, takes more than 50 ms or 50 MB in the CLI (the hostile inputs' worst case).
- The single file below 250 KB (250,000 bytes) raw.
- Ready within 100 ms of navigation from file://.

## What the profiles showed

`perf record` and `valgrind --tool=callgrind` (instructions, stable from run to run), and Node's `--cpu-prof` for the wasm.
What was done, largest effect first:

- Native: a file is read into one buffer sized from its metadata, and UTF-8 is then borrowed, never copied. Mapping the
  file (`memmap2`) saved about a fifth of a 100 MB check, but let another program that truncates or rewrites the file end
  the check (SIGBUS) or change text already read as UTF-8; a map copied before it is read took as long as reading.
  Reading costs page faults instead (about 25,000 for 100 MB, each a trap into the kernel, dear in a virtual machine), so
  a file of 32 MiB or more is read into a buffer advised to use 2 MiB pages (`madvise`): 100 MB Format-List 310 to 274 ms,
  the Exchange 2019 one 241 to 189 ms, at the same peak.
- Native: mimalloc instead of glibc's allocator, which spent a quarter of a large check consolidating its free lists.
  Built without transparent huge pages for its own memory: with them a 100 MB check is about 35 ms faster (fewer page
  faults), but a 1 MB check peaks at 12 MB and a 10 MB one above 3 × its size, against the memory goal.
- Rules: diagnostics were deduplicated by a scan of the list for each new one (quadratic on thousands of servers).
- Format-List: a line that starts exactly as the line at the same position of the previous object did (label, padding,
  ` : `) is not scanned again; whether a label is wanted is asked once per position; property names are shared (`Rc`).
- Fewer passes over the text: line ends and lost trailing spaces are settled during the line scan.
- Wasm: `opt-level = \"z\"` for size, with LLVM's inline threshold raised to 100 and SIMD on (`.cargo/config.toml`), and
  wasm-opt `-O3`; hot helpers written without `char` patterns, which cost calls at `z`. At the threshold of 35 used
  before, `Vec::push`, memchr's iterator and the parsers' small helpers were each a call; 100 inlines them, and made the
  wasm a fifth to a quarter faster on every input (100 MB Format-List in Node 340 to about 263 ms) for 4 % more code.
- Size, which paid for that: the crate sorts through one merge sort of its own (`src/sort.rs`). Each `sort_by` of the
  standard library, and each collect into a `BTreeMap`, had added its own copy of a sort for its type: seven copies and
  their helpers, a tenth of the wasm (400.5 to 366.9 KB, gzip 164.9 to 151.4 KB).
- Page: the wasm is gunzipped by the loader itself, synchronously, rather than by `DecompressionStream`, whose round trips
  through the browser's threads cost more than the unpacking on a cold start; no forced layout before the first check;
  the scripts are shortened by terser.
- Export-Clixml: a document with `<Ref>` elements (every real export: `Id` refers back to `Identity`) was read twice, the
  first time only to learn which RefIds are referenced. A byte search for the `<Ref` tags now guesses them, and the one
  reading checks the guess (and reads again only when it was wrong). UTF-16 is decoded by runs of ASCII into a string
  sized once. Clixml-500: 860 to about 370 ms native, peak 2.73 to 1.87 × the input.
- JSON and Clixml: the line of each value was found by a binary search over every line start; a cursor that remembers the
  last line answers in a step or two. JSON skips its indentation eight spaces at a time, shares property names between
  records, and borrows string runs from the already-validated text. JSON-500: 126 to about 70 ms native.
- Transcripts: the prompt search reads two bytes at each line start instead of making the text of every line, and tells
  a property line such as `ConnectionTimeout` from transcript furniture by its first four bytes.
- Native line scan: a scan of our own with SSE2 (64 bytes at a time, the CRs counted in the same pass) was measured
  against memchr again and saved under 1 % of the CPU time of the 100 MB Format-List and about 3 % of the Exchange 2019
  one; below the 5 % a harder-to-read optimisation must buy, it was dropped (issue 17).
- Symptom texts (`454 4.7.5`, ...) are searched only outside configuration objects; prompts and runs of blank lines are
  now left out too. A dump of 5,000 servers had made ten tiny searches for every prompt: about 6 ms at 100 MB.
- Values: the Format-List reader gives an object the copy of a value it already made at the same position (default
  connectors share most values), which saves a third of the allocations at 100 MB.
- Memory layout: a property value is 24 bytes, not 48 (an object value is boxed, a lost list's type name is a `Box<str>`),
  so each of the 325,000 properties of the 100 MB Format-List is 48 bytes, not 72: native 158 to about 142 ms, peak
  173 to 164 MB. Fewer bytes to fault in and to read back in every pass over the records.
- ConvertTo-Json and Export-Clixml: objects nested in kept values (an `ADObjectId` in every identity) keep only the
  fields the model reads, as records keep only the properties it reads. JSON-500: peak 56.5 to 44.3 MB, 69 to 62 ms;
  JSON-50 from 3.16 to 2.75 × its size.
- Rules and report: no name or folded text is made for a connector that needs none; kinds, rule ids and formats cross to
  JavaScript as unit variants, which serde-wasm-bindgen turns into strings once.
- Size: wasm-opt `--converge --low-memory-unused`.

What is left: most of a native check is memory traffic (each pass over 100 MB of text, and the page faults of the
records built) and the per-line work of the Format-List reader; the wasm is slower than native by its size-first code
generation, its allocator, and the conversion of a report of 25,000 objects into JavaScript objects.

Since the round of 121718f (native 140 ms, 3.54 × grep, when files were still mapped) the check of fl-500 went from 124 to
191 million instructions (callgrind, after the changes of this round): the rules added since (the receive-connector
selection alone is 20 million: each server's connectors, bindings and remote ranges are read), the line index's heads and
blank flags that the decoration check reads (`Source::new` 18 to 34 million), and the pastes' decoration check. Reading the
file instead of mapping it added about 80 ms of page faults at 100 MB, which the huge pages above cut by about half. 3 ×
grep at 100 MB asks for about half of today's time: that is a redesign of the line index and of the rules' passes over
every record, not tuning.

At 1 MB the memory goal counts the program's code as the check's: `--version` maps in about 0.3 MB of the program, a check
of anything about 1.3 MB (the kernel maps code 64 KB at a time around each first call, `/proc/self/smaps`), so a check of a
few KB already peaks more than 1 MB above `--version` (the figures are under the native table). The check's own memory (the
input, its line index, the records and the report) is under 2 × a 1 MB input; the goal as written would need the code a
check runs to be a fifth of what it is.
";

/// The figures of the previous `--write`, read back from BENCHMARKS.md.
pub(super) struct Previous {
    pub(super) date: String,
    pub(super) commit: String,
    /// (key, value, unit, label, change against the run before it)
    pub(super) figures: Vec<(String, f64, String, String, String)>,
    /// The history entries already recorded, verbatim.
    pub(super) history: String,
}

impl Previous {
    pub(super) fn load(path: &Path) -> Option<Previous> {
        Previous::parse(&read_text(path).ok()?)
    }

    pub(super) fn parse(text: &str) -> Option<Previous> {
        let start = text.find("<!-- bench-figures")?;
        let block = &text[start..start + text[start..].find("-->")?];
        let mut previous =
            Previous { date: String::new(), commit: String::new(), figures: Vec::new(), history: String::new() };
        for line in block.lines().skip(1) {
            let parts: Vec<&str> = line.split('\t').collect();
            match parts.as_slice() {
                ["date", date] => previous.date = (*date).to_owned(),
                ["commit", commit] => previous.commit = (*commit).to_owned(),
                ["figure", key, value, unit, label, change] => {
                    if let Ok(value) = value.parse() {
                        previous.figures.push((
                            (*key).into(),
                            value,
                            (*unit).into(),
                            (*label).into(),
                            (*change).into(),
                        ));
                    }
                }
                _ => {}
            }
        }
        if let Some(at) = text.find(HISTORY_MARK) {
            previous.history = text[at + HISTORY_MARK.len()..].trim_start_matches('\n').to_owned();
        }
        Some(previous)
    }

    pub(super) fn value(&self, key: &str) -> Option<f64> {
        self.figures.iter().find(|f| f.0 == key).map(|f| f.1)
    }
}

#[cfg(test)]
mod tests {
    use super::super::machine::Machine;
    use super::super::page::Sizes;
    use super::*;

    fn bench_with_page_of(bytes: u64) -> Bench {
        let machine = Machine {
            date: format!("run with {bytes}"),
            load: String::new(),
            locale: String::new(),
            commit: "abc1234".into(),
            nproc: "2".into(),
            cpu: "cpu".into(),
            ram: "1 GiB".into(),
            os: "os".into(),
            rustc: "rustc".into(),
            node: "node".into(),
            chromium: "chromium".into(),
        };
        let sizes = Sizes { page: bytes, page_gzip: 1, page_brotli: None, wasm: 2, wasm_gzip: 1 };
        Bench {
            machine,
            inputs: vec![],
            natives: vec![],
            resting_mb: None,
            example_mb: None,
            hostile: vec![],
            nodes: vec![],
            browser: None,
            sizes,
            notes: vec![],
        }
    }

    fn write(bench: &Bench, before: Option<&str>) -> String {
        write_with_older(bench, before).0
    }

    fn write_with_older(bench: &Bench, before: Option<&str>) -> (String, Vec<HistoryRow>) {
        let previous = before.and_then(Previous::parse);
        let figures = bench.figures();
        let tables = bench.markdown(&figures, previous.as_ref());
        bench.benchmarks_md(&figures, previous.as_ref(), &tables)
    }

    #[test]
    fn history_keeps_every_previous_run_with_its_change() {
        let first = write(&bench_with_page_of(200_000), None);
        assert!(first.contains("| dist/hybridcheck.html, raw | 200,000 B | — | — |"), "{first}");
        let second = write(&bench_with_page_of(220_000), Some(&first));
        assert!(second.contains("| dist/hybridcheck.html, raw | 220,000 B | 200,000 B | +10.0 % |"), "{second}");
        let history = &second[second.find(HISTORY_MARK).unwrap()..];
        assert!(history.contains("### run with 200000 (abc1234)"), "{history}");
        assert!(history.contains("- dist/hybridcheck.html, raw: 200,000 B\n"), "{history}");
        let third = write(&bench_with_page_of(198_000), Some(&second));
        let history = &third[third.find(HISTORY_MARK).unwrap()..];
        let older = history.find("### run with 200000").unwrap();
        let newer = history.find("### run with 220000").unwrap();
        assert!(older < newer, "oldest first: {history}");
        assert!(
            history.contains("- dist/hybridcheck.html, raw: 220,000 B (+10.0 % against the run before)"),
            "{history}"
        );
        assert!(third.contains("| 198,000 B | 220,000 B | −10.0 % |"), "{third}");
        assert_eq!(third.matches("## History").count(), 1);
    }

    #[test]
    fn history_shows_the_last_three_runs_and_hands_older_ones_to_the_csv() {
        let mut text = write(&bench_with_page_of(100_000), None);
        let mut moved = Vec::new();
        for bytes in [110_000, 120_000, 130_000, 140_000, 150_000] {
            let (next, older) = write_with_older(&bench_with_page_of(bytes), Some(&text));
            text = next;
            moved.extend(older);
        }
        let history = &text[text.find(HISTORY_MARK).unwrap()..];
        assert_eq!(history.matches("\n### ").count(), HISTORY_RUNS, "{history}");
        for kept in ["### run with 120000", "### run with 130000", "### run with 140000"] {
            assert!(history.contains(kept), "{history}");
        }
        let page: Vec<(&str, &str, &str)> = moved
            .iter()
            .filter(|row| row.figure == "dist/hybridcheck.html, raw")
            .map(|row| (row.run.as_str(), row.value.as_str(), row.change.as_str()))
            .collect();
        assert_eq!(
            page,
            [("run with 100000 (abc1234)", "100,000 B", ""), ("run with 110000 (abc1234)", "110,000 B", "+10.0 %")]
        );
    }

    #[test]
    fn history_rows_are_quoted_for_csv() {
        let dir = std::env::temp_dir().join(format!("hybridcheck-history-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("history.csv");
        let row = |value: &str| HistoryRow {
            run: "2026-11-28 23:44 UTC (a887cc7)".into(),
            figure: "fl-50: input size".into(),
            value: value.into(),
            change: String::new(),
        };
        append_history_csv(&path, &[row("1.1 MB")]).unwrap();
        append_history_csv(&path, &[row("243,072 B")]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "run,figure,value,change against the run before\n\
             2026-11-28 23:44 UTC (a887cc7),fl-50: input size,1.1 MB,\n\
             2026-11-28 23:44 UTC (a887cc7),fl-50: input size,\"243,072 B\",\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
