//! The figures of a run, each with its goal when it has one, and `target/bench/results.json`.

use super::hostile::HostileRun;
use super::inputs::{Format, Input};
use super::machine::Machine;
use super::native::NativeRun;
use super::page::{BrowserRun, Sizes};
use super::wasm::NodeRun;
use super::{
    GOAL_GREP_RATIO, GOAL_HOSTILE_MB, GOAL_HOSTILE_MS, GOAL_LINEAR, GOAL_MEMORY, GOAL_PAGE_BYTES, GOAL_READY_MS,
    GOAL_WASM_RATIO, MB, READY_RUNS, RUNS,
};
use std::fmt::Write as _;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Unit {
    Ms,
    Mb,
    Bytes,
    Count,
    Times,
    MsPerMb,
}

impl Unit {
    pub(super) fn name(self) -> &'static str {
        match self {
            Unit::Ms => "ms",
            Unit::Mb => "MB",
            Unit::Bytes => "bytes",
            Unit::Count => "count",
            Unit::Times => "x",
            Unit::MsPerMb => "ms/MB",
        }
    }
    pub(super) fn parse(name: &str) -> Unit {
        match name {
            "ms" => Unit::Ms,
            "MB" => Unit::Mb,
            "bytes" => Unit::Bytes,
            "x" => Unit::Times,
            "ms/MB" => Unit::MsPerMb,
            _ => Unit::Count,
        }
    }
    pub(super) fn show(self, v: f64) -> String {
        match self {
            Unit::Ms | Unit::MsPerMb => {
                let digits = if v < 10.0 {
                    2
                } else if v < 100.0 {
                    1
                } else {
                    0
                };
                format!("{v:.digits$} {}", self.name())
            }
            Unit::Mb => format!("{v:.1} MB"),
            Unit::Bytes => format!("{} B", thousands(v as u64)),
            Unit::Count => thousands(v as u64),
            Unit::Times => format!("{v:.2} ×"),
        }
    }
}

/// A time the page reports about itself, when it does.
pub(super) fn shown(ms: f64) -> String {
    if ms.is_finite() {
        Unit::Ms.show(ms)
    } else {
        "not reported".into()
    }
}

pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

pub(super) struct Figure {
    pub(super) key: String,
    pub(super) label: String,
    pub(super) value: f64,
    pub(super) unit: Unit,
    /// The goal and whether this figure meets it.
    pub(super) goal: Option<(String, bool)>,
}

pub(super) fn fig(key: impl Into<String>, label: impl Into<String>, value: f64, unit: Unit) -> Figure {
    Figure { key: key.into(), label: label.into(), value, unit, goal: None }
}

pub(super) fn status(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}

/// ms per MB of each Format-List input.
pub(super) type PerMb<'a> = Vec<(&'a Input, f64)>;

pub(super) struct Bench {
    pub(super) machine: Machine,
    pub(super) inputs: Vec<Input>,
    pub(super) natives: Vec<NativeRun>,
    /// The CLI's peak memory for `--version`: its resting floor.
    pub(super) resting_mb: Option<f64>,
    /// The CLI's peak memory checking the built-in example (a few KB): the floor with the code a
    /// check runs mapped in, which `--version` never touches.
    pub(super) example_mb: Option<f64>,
    pub(super) hostile: Vec<HostileRun>,
    pub(super) nodes: Vec<Option<NodeRun>>,
    pub(super) browser: Option<BrowserRun>,
    pub(super) sizes: Sizes,
    pub(super) notes: Vec<String>,
}

impl Bench {
    /// The slowest and the greediest hostile checks.
    pub(super) fn hostile_worst(&self) -> (Option<&HostileRun>, Option<&HostileRun>) {
        let slowest = self.hostile.iter().max_by(|a, b| a.ms.total_cmp(&b.ms));
        let greediest = self
            .hostile
            .iter()
            .filter(|r| r.rss_mb.is_some())
            .max_by(|a, b| a.rss_mb.unwrap_or(0.0).total_cmp(&b.rss_mb.unwrap_or(0.0)));
        (slowest, greediest)
    }

    /// Each hostile shape at its largest size, and the worst of them all against the goals.
    fn hostile_figures(&self) -> Vec<Figure> {
        let mut f = Vec::new();
        let largest = self.hostile.iter().map(|r| r.bytes).max().unwrap_or(0);
        for run in self.hostile.iter().filter(|r| r.bytes * 10 >= largest * 8) {
            let k = format!("hostile.{}", run.shape);
            f.push(fig(format!("{k}.ms"), format!("hostile {} (about 1 MB): CLI time", run.shape), run.ms, Unit::Ms));
            if let Some(mb) = run.rss_mb {
                f.push(fig(
                    format!("{k}.mb"),
                    format!("hostile {} (about 1 MB): CLI peak memory", run.shape),
                    mb,
                    Unit::Mb,
                ));
            }
        }
        let (slowest, greediest) = self.hostile_worst();
        if let Some(run) = slowest {
            let mut worst =
                fig("hostile.worst_ms", "hostile inputs of up to 1 MB: the slowest check", run.ms, Unit::Ms);
            worst.goal = Some((format!("≤ {GOAL_HOSTILE_MS} ms"), run.ms <= GOAL_HOSTILE_MS));
            f.push(worst);
        }
        if let Some(mb) = greediest.and_then(|run| run.rss_mb) {
            let mut worst =
                fig("hostile.worst_mb", "hostile inputs of up to 1 MB: the highest peak memory", mb, Unit::Mb);
            worst.goal = Some((format!("≤ {GOAL_HOSTILE_MB} MB"), mb <= GOAL_HOSTILE_MB));
            f.push(worst);
        }
        f
    }

    pub(super) fn fl(&self) -> Vec<(&Input, &NativeRun)> {
        self.inputs.iter().zip(&self.natives).filter(|(i, _)| i.format == Format::Fl).collect()
    }

    pub(super) fn largest_fl(&self) -> Option<(&Input, &NativeRun)> {
        self.fl().into_iter().max_by_key(|(i, _)| i.bytes)
    }

    /// (ms per MB at each Format-List size, and whether the largest is within GOAL_LINEAR of the best smaller one).
    pub(super) fn linearity(&self) -> (PerMb<'_>, Option<(f64, bool)>) {
        let per_mb: Vec<(&Input, f64)> =
            self.fl().into_iter().map(|(i, n)| (i, n.ms / (i.bytes as f64 / MB))).collect();
        let verdict = per_mb.split_last().and_then(|((_, last), smaller)| {
            let best = smaller.iter().map(|(_, v)| *v).fold(f64::INFINITY, f64::min);
            best.is_finite().then(|| (last / best, last / best <= GOAL_LINEAR))
        });
        (per_mb, verdict)
    }

    pub(super) fn figures(&self) -> Vec<Figure> {
        let mut f = Vec::new();
        let largest = self.largest_fl().map(|(i, _)| i.key.clone());
        if let Some(resting) = self.resting_mb {
            f.push(fig("native.resting_mb", "native CLI at rest (`--version`), peak memory", resting, Unit::Mb));
        }
        if let Some(example) = self.example_mb {
            f.push(fig(
                "native.example_mb",
                "native CLI checking the built-in example, peak memory",
                example,
                Unit::Mb,
            ));
        }
        for (input, native) in self.inputs.iter().zip(&self.natives) {
            f.extend(self.input_figures(input, native, largest.as_ref()));
        }
        f.extend(self.hostile_figures());
        f.extend(self.linearity_figures());
        f.extend(self.node_figures());
        f.extend(self.page_figures());
        f.extend(self.size_figures());
        f
    }

    /// One input's figures from the CLI and grep: size, times, memory, and what each found.
    fn input_figures(&self, input: &Input, native: &NativeRun, largest: Option<&String>) -> Vec<Figure> {
        let mut f = Vec::new();
        let k = &input.key;
        let mb = input.bytes as f64 / MB;
        f.push(fig(format!("{k}.size"), format!("{k}: input size"), mb, Unit::Mb));
        f.push(fig(format!("{k}.native_ms"), format!("{k}: native CLI, best of {RUNS}"), native.ms, Unit::Ms));
        f.push(fig(format!("{k}.grep_ms"), format!("{k}: grep -ci, best of {RUNS}"), native.grep_ms, Unit::Ms));
        let mut ratio = fig(
            format!("{k}.native_vs_grep"),
            format!("{k}: native / grep time"),
            native.ms / native.grep_ms,
            Unit::Times,
        );
        // The goal is for the largest inputs: at 1 MB both programs mostly start up.
        if input.format == Format::FlStar2019 || (input.format == Format::Fl && Some(k) == largest) {
            let r = native.ms / native.grep_ms;
            ratio.goal = Some((format!("≤ {GOAL_GREP_RATIO} × grep -ci"), r <= GOAL_GREP_RATIO));
        }
        f.push(ratio);
        if let Some(rss) = native.rss_mb {
            f.push(fig(format!("{k}.native_peak_mb"), format!("{k}: native peak memory"), rss, Unit::Mb));
            f.push(fig(
                format!("{k}.native_peak_x"),
                format!("{k}: native peak memory / input size"),
                rss / mb,
                Unit::Times,
            ));
            if let Some(resting) = self.resting_mb {
                let times = (rss - resting) / mb;
                let mut mem = fig(
                    format!("{k}.native_above_rest_x"),
                    format!("{k}: native peak memory above the resting floor / input size"),
                    times,
                    Unit::Times,
                );
                mem.goal = Some((format!("≤ {GOAL_MEMORY} × input"), times <= GOAL_MEMORY));
                f.push(mem);
            }
        }
        f.push(fig(
            format!("{k}.truth"),
            format!("{k}: affected connectors generated"),
            input.truth.affected as f64,
            Unit::Count,
        ));
        f.push(fig(
            format!("{k}.found"),
            format!("{k}: affected connectors hybridcheck found"),
            native.found as f64,
            Unit::Count,
        ));
        f.push(fig(
            format!("{k}.grep_count"),
            format!("{k}: lines grep -ci counts"),
            native.grep_count as f64,
            Unit::Count,
        ));
        f
    }

    /// The native ms per MB of each Format-List input, and how the largest compares.
    fn linearity_figures(&self) -> Vec<Figure> {
        let mut f = Vec::new();
        let (per_mb, verdict) = self.linearity();
        for (input, v) in &per_mb {
            f.push(fig(
                format!("{}.native_ms_per_mb", input.key),
                format!("{}: native ms per MB", input.key),
                *v,
                Unit::MsPerMb,
            ));
        }
        if let Some((ratio, pass)) = verdict {
            let mut lin =
                fig("linearity", "native ms/MB at the largest Format-List / best smaller", ratio, Unit::Times);
            lin.goal = Some((format!("≤ {GOAL_LINEAR} (linear)"), pass));
            f.push(lin);
        }
        f
    }

    /// The wasm build's times in Node, against the native CLI's.
    fn node_figures(&self) -> Vec<Figure> {
        let mut f = Vec::new();
        for ((input, native), node) in self.inputs.iter().zip(&self.natives).zip(&self.nodes) {
            if let Some(node) = node {
                let k = &input.key;
                f.push(fig(
                    format!("{k}.wasm_node_ms"),
                    format!("{k}: wasm checkBytes in Node, best of {RUNS}"),
                    node.ms,
                    Unit::Ms,
                ));
                if let Some(first) = node.first {
                    f.push(fig(
                        format!("{k}.wasm_node_first_ms"),
                        format!("{k}: wasm checkBytes in Node, first call"),
                        first,
                        Unit::Ms,
                    ));
                }
                let r = node.ms / native.ms;
                let mut ratio =
                    fig(format!("{k}.wasm_vs_native"), format!("{k}: wasm in Node / native time"), r, Unit::Times);
                ratio.goal = Some((format!("≤ {GOAL_WASM_RATIO} × native"), r <= GOAL_WASM_RATIO));
                f.push(ratio);
            }
        }
        f
    }

    /// The page's times in Chromium, when it was measured.
    fn page_figures(&self) -> Vec<Figure> {
        let mut f = Vec::new();
        if let Some(b) = &self.browser {
            let mut ready = fig(
                "page.ready_ms",
                format!("page: navigation start to example rendered, best of {READY_RUNS}"),
                b.ready_ms,
                Unit::Ms,
            );
            ready.goal = Some((format!("≤ {GOAL_READY_MS} ms"), b.ready_ms <= GOAL_READY_MS));
            f.push(ready);
            f.push(fig(
                "page.frame_ms",
                "page: navigation start to the next frame after ready (best run)",
                b.frame_ms,
                Unit::Ms,
            ));
            f.push(fig("page.dcl_ms", "page: navigation start to DOMContentLoaded (best run)", b.dcl_ms, Unit::Ms));
            for p in &b.pastes {
                f.push(fig(
                    format!("page.paste.{}_ms", p.key),
                    format!("page: paste of {} to first finding card, best of {RUNS}", p.key),
                    p.ms,
                    Unit::Ms,
                ));
            }
        }
        f
    }

    /// The sizes of the page and of the wasm.
    fn size_figures(&self) -> Vec<Figure> {
        let mut f = Vec::new();
        let mut page = fig("size.page", "dist/hybridcheck.html, raw", self.sizes.page as f64, Unit::Bytes);
        page.goal = Some((format!("< {} B (250 KB)", thousands(GOAL_PAGE_BYTES)), self.sizes.page < GOAL_PAGE_BYTES));
        f.push(page);
        f.push(fig("size.page_gzip", "dist/hybridcheck.html, gzip -9", self.sizes.page_gzip as f64, Unit::Bytes));
        if let Some(b) = self.sizes.page_brotli {
            f.push(fig("size.page_brotli", "dist/hybridcheck.html, brotli -q 11", b as f64, Unit::Bytes));
        }
        f.push(fig("size.wasm", "target/web/hybridcheck.wasm, raw", self.sizes.wasm as f64, Unit::Bytes));
        f.push(fig("size.wasm_gzip", "target/web/hybridcheck.wasm, gzip -9", self.sizes.wasm_gzip as f64, Unit::Bytes));
        f
    }

    pub(super) fn results_json(&self, figures: &[Figure]) -> String {
        let mut out = String::from("{\n  \"schema\": \"hybridcheck-bench/1\",\n  \"machine\": {\n");
        let machine = self.machine.lines();
        for (i, (k, v)) in machine.iter().enumerate() {
            let _ = writeln!(out, "    {}: {}{}", q(k), q(v), if i + 1 < machine.len() { "," } else { "" });
        }
        out.push_str("  },\n  \"inputs\": [\n");
        self.inputs_json(&mut out);
        out.push_str("  ],\n  \"hostile\": [\n");
        self.hostile_json(&mut out);
        out.push_str("  ],\n");
        self.page_json(&mut out);
        out.push_str("  \"figures\": [\n");
        figures_json(&mut out, figures);
        out.push_str("  ],\n  \"notes\": [");
        out.push_str(&self.notes.iter().map(|n| q(n)).collect::<Vec<_>>().join(", "));
        out.push_str("]\n}\n");
        out
    }

    /// results.json's `inputs`: one line per input.
    fn inputs_json(&self, out: &mut String) {
        for (i, ((input, native), node)) in self.inputs.iter().zip(&self.natives).zip(&self.nodes).enumerate() {
            let _ = write!(
                out,
                "    {{\"key\": {}, \"file\": {}, \"format\": {}, \"servers\": {}, \"connectors\": {}, \"bytes\": {}, \
\"affected\": {}, \"affected_split_across_lines\": {}, \"comment_traps\": {}, \"found\": {}, \"findings\": {}, \
\"checked\": {}, \"unrecognized_lines\": {}, \"grep_count\": {}, \"native_runs_ms\": {}, \"native_peak_mb\": {}, \
\"grep_runs_ms\": {}, \"wasm_node_runs_ms\": {}, \"wasm_node_peak_rss_mb\": {}, \"wasm_memory_mb\": {}}}",
                q(&input.key),
                q(&input.path.display().to_string()),
                q(input.format.describe()),
                input.servers,
                input.truth.connectors,
                input.bytes,
                input.truth.affected,
                input.truth.split,
                input.truth.comment,
                native.found,
                native.findings,
                native.checked,
                native.unrecognized,
                native.grep_count,
                list(&native.runs),
                native.rss_mb.map_or("null".into(), num),
                list(&native.grep_runs),
                node.as_ref().map_or("null".into(), |n| list(&n.runs)),
                node.as_ref().and_then(|n| n.rss_mb).map_or("null".into(), num),
                node.as_ref().map_or("null".into(), |n| num(n.wasm_memory_mb)),
            );
            out.push_str(if i + 1 < self.inputs.len() { ",\n" } else { "\n" });
        }
    }

    /// results.json's `hostile`: one line per run.
    fn hostile_json(&self, out: &mut String) {
        for (i, run) in self.hostile.iter().enumerate() {
            let _ = write!(
                out,
                "    {{\"shape\": {}, \"bytes\": {}, \"best_ms\": {}, \"peak_mb\": {}}}",
                q(run.shape),
                run.bytes,
                num(run.ms),
                run.rss_mb.map_or("null".into(), num)
            );
            out.push_str(if i + 1 < self.hostile.len() { ",\n" } else { "\n" });
        }
    }

    /// results.json's runs of the page, when it was measured.
    fn page_json(&self, out: &mut String) {
        if let Some(b) = &self.browser {
            let _ = writeln!(out, "  \"page_ready_runs_ms\": {},", list(&b.ready_runs));
            for p in &b.pastes {
                let _ = writeln!(
                    out,
                    "  \"page_paste_{}\": {{\"chars\": {}, \"runs_ms\": {}, \"sync_ms\": {}, \"check_ms\": {}, \"render_ms\": {}, \"cards\": {}}},",
                    p.key.replace('-', "_"),
                    num(p.chars),
                    list(&p.runs),
                    num(p.sync_ms),
                    num(p.check_ms),
                    num(p.render_ms),
                    num(p.cards)
                );
            }
        }
    }
}

/// results.json's `figures`: one line per figure.
fn figures_json(out: &mut String, figures: &[Figure]) {
    for (i, f) in figures.iter().enumerate() {
        let goal = match &f.goal {
            Some((text, pass)) => format!(", \"goal\": {}, \"status\": \"{}\"", q(text), status(*pass)),
            None => String::new(),
        };
        let _ = write!(
            out,
            "    {{\"key\": {}, \"label\": {}, \"value\": {}, \"unit\": {}{goal}}}",
            q(&f.key),
            q(&f.label),
            num(f.value),
            q(f.unit.name())
        );
        out.push_str(if i + 1 < figures.len() { ",\n" } else { "\n" });
    }
}

/// A JSON string.
fn q(text: &str) -> String {
    let mut out = String::from("\"");
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number rounded to thousandths; `null` when not finite.
fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{}", (v * 1000.0).round() / 1000.0)
    } else {
        "null".into()
    }
}

/// A JSON list of numbers.
fn list(v: &[f64]) -> String {
    format!("[{}]", v.iter().map(|x| num(*x)).collect::<Vec<_>>().join(", "))
}
