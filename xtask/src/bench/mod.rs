//! `cargo xtask bench`: how fast, how lean and how small hybridcheck is, on realistic inputs.
//!
//! Not part of `cargo xtask test`. One run, in this order:
//! 1. generates seeded, deterministic inputs into `target/bench/` (kept between runs while their
//!    generators are unchanged): Format-List transcripts of about 1, 10 and 100 MB (50, 500 and
//!    5,000 Exchange 2013 servers with their five default receive connectors), one
//!    `Format-List *` of about 100 MB of a large Exchange 2019 organisation, and the 50- and
//!    500-server organisations as ConvertTo-Json (PS 5.1) and Export-Clixml (UTF-16LE);
//! 2. builds the CLI as the README builds it (`--release`), the page's wasm (its `wasm` profile)
//!    for Node, and the page (`dist`);
//! 3. times the CLI against `grep -ci` on every input (best of `RUNS`, peak memory from GNU time,
//!    and the CLI's resting floor from `--version`);
//! 4. checks hostile shapes of up to 1 MB with the CLI and keeps the worst case (`hostile`);
//! 5. times `checkBytes` of the wasm build in Node (`tests/bench/node.mjs`);
//! 6. times the page in headless Chromium from file:// (`tests/bench/page.mjs`);
//! 7. measures the page's and the wasm's sizes;
//! 8. writes `target/bench/results.json`, prints a Markdown table, and with `--write` rewrites
//!    `BENCHMARKS.md`, moving its previous "Current" figures into "History" (the last three runs;
//!    older ones go to `tests/bench/history.csv`).
//!
//! `--hostile` only builds the CLI and does step 4, and prints the worst case against the goals.
//! `--quick` does the same on the small inputs only, to try the bench itself; its figures are
//! not written. The generator knows the truth (which connectors are affected), so every measured
//! run is also checked: hybridcheck must find exactly the affected connectors, and the report
//! says how far `grep -ci 'MSIT Machine Auth CA 2'` is off.

mod clixml;
mod figures;
mod format_list;
mod hostile;
mod inputs;
mod json;
mod machine;
mod markdown;
mod measure;
mod native;
mod org;
mod page;
mod wasm;

use crate::util::{root, run, target_dir, write_atomically, Context, Result};
use figures::Bench;
use inputs::{generate_inputs, Format, Input};
use machine::Machine;
use markdown::Previous;
use measure::{timed_run, Out, GNU_TIME};
use native::{measure_native, NativeRun};
use page::{measure_page, measure_sizes, BrowserRun};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use wasm::{measure_node, NodeRun};

/// The seed of every generated input. Change it only together with a note in BENCHMARKS.md:
/// figures from different inputs do not compare.
const SEED: u64 = 3_156_771;
/// What a run generates and measures.
struct Plan {
    /// Servers per Exchange 2013 organisation: about 1 MB, 10 MB and 100 MB of Format-List.
    orgs: &'static [usize],
    /// Servers of the large Exchange 2019 organisation, all in one `Format-List *`: about 100 MB.
    org_2019: usize,
    /// The organisations that are also written as ConvertTo-Json and Export-Clixml.
    structured: &'static [usize],
    /// The sizes of the hostile inputs, in bytes.
    hostile_sizes: &'static [usize],
}

const FULL: Plan =
    Plan { orgs: &[50, 500, 5000], org_2019: 4350, structured: &[50, 500], hostile_sizes: &hostile::SIZES };
/// `--quick`: the small inputs only.
const QUICK: Plan = Plan { orgs: &[50], org_2019: 50, structured: &[50], hostile_sizes: &[64_000] };
/// Timed runs per measurement; the best (shortest) counts.
const RUNS: usize = 5;
/// Page loads for "ready"; the best counts.
const READY_RUNS: usize = 5;
/// The words grep is asked for, and the rule id of the finding they stand for.
const WORDS: &str = "MSIT Machine Auth CA 2";
const RULE: &str = "legacy-exo-tls-capability";
/// The package of the `hybridcheck` binary, built as the README builds it (`--release`).
const CLI_PACKAGE: &str = "hybridcheck-cli";
const NODE_SCRIPT: &str = "tests/bench/node.mjs";
const PAGE_SCRIPT: &str = "tests/bench/page.mjs";
const BENCHMARKS: &str = "BENCHMARKS.md";
/// The runs BENCHMARKS.md no longer shows, one figure a line.
const HISTORY_CSV: &str = "tests/bench/history.csv";
/// How long each browser or Node script may run before it counts as hung.
const SCRIPT_LIMIT: Duration = Duration::from_secs(300);
/// Goals, stated in BENCHMARKS.md.
const GOAL_GREP_RATIO: f64 = 3.0;
const GOAL_LINEAR: f64 = 1.25;
/// Peak memory above the CLI's resting floor, per byte of input.
const GOAL_MEMORY: f64 = 2.0;
const GOAL_WASM_RATIO: f64 = 2.0;
/// The slowest and the greediest check of a hostile input of up to 1 MB.
const GOAL_HOSTILE_MS: f64 = 50.0;
const GOAL_HOSTILE_MB: f64 = 50.0;
const GOAL_PAGE_BYTES: u64 = 250_000;
const GOAL_READY_MS: f64 = 100.0;
/// One MB in the figures: 10^6 bytes.
const MB: f64 = 1_000_000.0;

pub fn bench(args: &[&str]) -> Result<()> {
    let (write, inputs_only, hostile_only, plan) = parse_args(args)?;
    if hostile_only {
        return hostile::measure_alone(plan.hostile_sizes);
    }
    let started = Instant::now();
    // First, so that the load average shows what else was running, not this run's builds.
    let machine = Machine::probe();
    let dir = target_dir().join("bench");
    std::fs::create_dir_all(&dir).context(format!("cannot create {}", dir.display()))?;

    progress(started, "generating inputs");
    let inputs = generate_inputs(&dir, plan)?;
    print_inputs(&inputs);
    if inputs_only {
        return Ok(());
    }

    progress(started, "building the native CLI, the wasm for Node, and the page");
    let Built { glue, page } = build(&dir)?;

    let mut notes: Vec<String> = Vec::new();
    if !Path::new(GNU_TIME).exists() {
        notes.push(format!("{GNU_TIME} is missing: peak memory was not measured (apt-get install time)."));
    }

    progress(started, &format!("native CLI and grep -ci, best of {RUNS} each"));
    let cli = target_dir().join("release/hybridcheck");
    // The CLI's peak memory when it reads nothing: what every check pays before its input.
    let resting_mb = timed_run(&cli, &["--version".as_ref()], Out::Null)?.rss_kb.map(|kb| kb as f64 * 1024.0 / MB);
    // The same with the code a check runs mapped in: the built-in example is a few KB.
    let example_args = ["--example".as_ref(), "--format".as_ref(), "json".as_ref()];
    let example_mb = timed_run(&cli, &example_args, Out::Null)?.rss_kb.map(|kb| kb as f64 * 1024.0 / MB);
    let natives = measure_natives(&cli, &inputs, &mut notes)?;

    progress(
        started,
        &format!("hostile shapes of up to {} KB with the CLI", plan.hostile_sizes.iter().max().unwrap_or(&0) / 1000),
    );
    let hostile = hostile::measure_hostile(&cli, &dir, plan.hostile_sizes)?;

    progress(started, &format!("wasm checkBytes in Node, best of {RUNS} each"));
    let nodes = measure_nodes(&glue, &inputs, &mut notes);

    progress(started, "the page in headless Chromium from file://");
    let browser = measure_browser(&page, &inputs, &mut notes);

    progress(started, "sizes");
    let sizes = measure_sizes(&page)?;
    if sizes.page_brotli.is_none() {
        notes.push("brotli: not measured (no `brotli` command on this machine).".into());
    }

    let mut machine = machine;
    if let Some(b) = browser.as_ref().filter(|_| machine.chromium == "unknown") {
        machine.chromium = format!("Chromium {}", b.version);
    }
    let bench = Bench { machine, inputs, natives, resting_mb, example_mb, hostile, nodes, browser, sizes, notes };
    write_results(&bench, &dir, write)?;
    progress(started, "done");
    Ok(())
}

/// `--write`, `--inputs`, `--hostile` and the plan (`--quick` or the full run).
fn parse_args(args: &[&str]) -> Result<(bool, bool, bool, &'static Plan)> {
    let mut write = false;
    let mut inputs_only = false;
    let mut hostile_only = false;
    let mut plan = &FULL;
    for arg in args {
        match *arg {
            "--write" => write = true,
            "--inputs" => inputs_only = true,
            "--quick" => plan = &QUICK,
            "--hostile" => hostile_only = true,
            other => {
                return Err(format!(
                    "bench: unknown argument `{other}` (it takes --write, --inputs, --hostile and --quick)"
                ))
            }
        }
    }
    if write && std::ptr::eq(plan, &QUICK) {
        return Err("bench: --quick figures are not comparable with the full run's, so --write refuses them".into());
    }
    if hostile_only && write {
        return Err("bench: --hostile measures one part of the bench only, so --write refuses it".into());
    }
    Ok((write, inputs_only, hostile_only, plan))
}

/// One line per generated input: its size and what the generator put in it.
fn print_inputs(inputs: &[Input]) {
    for input in inputs {
        println!(
            "    {:<14} {:>8.1} MB  {:>5} servers  {:>6} connectors  {:>4} affected ({} split across lines)  {} comment traps",
            input.key,
            input.bytes as f64 / MB,
            input.servers,
            input.truth.connectors,
            input.truth.affected,
            input.truth.split,
            input.truth.comment
        );
    }
}

/// What the measurements run: the Node glue of the wasm build, and the page.
struct Built {
    glue: std::path::PathBuf,
    page: std::path::PathBuf,
}

/// Builds the CLI as the README builds it, the page's wasm for Node (optimised as the page's
/// is), and the page.
fn build(dir: &Path) -> Result<Built> {
    native::build_cli()?;
    let config = crate::config::Config::load()?;
    let wasm_profile = &config.cargo.profile;
    run(Command::new("cargo")
        .args(["build", "-p", &config.cargo.package])
        .args(["--target", "wasm32-unknown-unknown", "--lib", "--locked", "--profile"])
        .arg(wasm_profile))?;
    let node_dir = dir.join("node");
    let stem = &config.wasm_bindgen.out_name;
    run(Command::new("wasm-bindgen")
        .args(["--target", "nodejs", "--no-typescript", "--out-name", stem, "--out-dir"])
        .arg(&node_dir)
        .arg(target_dir().join("wasm32-unknown-unknown").join(wasm_profile).join(config.cargo.wasm_file())))?;
    // Optimised as the page's wasm is (wasm-pack.toml's wasm-opt arguments), so that Node runs
    // the code the page ships.
    let node_wasm = node_dir.join(format!("{stem}_bg.wasm"));
    run(Command::new(crate::dist::wasm_opt()?).args(&config.wasm_opt.args).arg(&node_wasm).arg("-o").arg(&node_wasm))?;
    let page = crate::dist::dist()?.page;
    Ok(Built { glue: node_dir.join(format!("{stem}.js")), page })
}

/// The CLI and grep on every input; a note for each input where hybridcheck did not find what
/// the generator put in.
fn measure_natives(cli: &Path, inputs: &[Input], notes: &mut Vec<String>) -> Result<Vec<NativeRun>> {
    let mut natives = Vec::new();
    for input in inputs {
        let native = measure_native(cli, input)?;
        println!(
            "    {:<14} native {:>8.1} ms ({:>6.1} MB peak)  grep {:>7.1} ms  found {} of {} (grep counts {})",
            input.key,
            native.ms,
            native.rss_mb.unwrap_or(f64::NAN),
            native.grep_ms,
            native.found,
            input.truth.affected,
            native.grep_count
        );
        if native.found != input.truth.affected || native.checked != input.truth.connectors {
            notes.push(format!(
                "{}: hybridcheck found {} affected connectors of {} and checked {} of {} connectors; the figures for it are suspect.",
                input.key, native.found, input.truth.affected, native.checked, input.truth.connectors
            ));
        }
        natives.push(native);
    }
    Ok(natives)
}

/// `checkBytes` of the wasm build in Node on every input; `None` (and a note) where it could
/// not be measured.
fn measure_nodes(glue: &Path, inputs: &[Input], notes: &mut Vec<String>) -> Vec<Option<NodeRun>> {
    let mut nodes: Vec<Option<NodeRun>> = Vec::new();
    for input in inputs {
        match measure_node(glue, input) {
            Ok(node) => {
                println!(
                    "    {:<14} wasm {:>8.1} ms  found {} of {}",
                    input.key, node.ms, node.found, input.truth.affected
                );
                if node.found != input.truth.affected {
                    notes.push(format!(
                        "{}: the wasm build found {} affected connectors of {} in Node.",
                        input.key, node.found, input.truth.affected
                    ));
                }
                nodes.push(Some(node));
            }
            Err(err) => {
                println!("    {:<14} wasm: not measured: {err}", input.key);
                notes.push(format!("{}: wasm in Node not measured: {}", input.key, first_line(&err)));
                nodes.push(None);
            }
        }
    }
    nodes
}

/// The page in headless Chromium, pasted the Format-List inputs of up to 500 servers.
fn measure_browser(page: &Path, inputs: &[Input], notes: &mut Vec<String>) -> Option<BrowserRun> {
    let paste_inputs: Vec<&Input> = inputs.iter().filter(|i| i.format == Format::Fl && i.servers <= 500).collect();
    let browser = match measure_page(page, &paste_inputs) {
        Ok(b) => Some(b),
        Err(err) => {
            notes.push(format!("The page was not measured in Chromium: {}", first_line(&err)));
            println!("    not measured: {err}");
            None
        }
    };
    browser
}

/// Writes results.json and prints the tables; with `--write`, also BENCHMARKS.md and the history.
fn write_results(bench: &Bench, dir: &Path, write: bool) -> Result<()> {
    let previous = Previous::load(&root().join(BENCHMARKS));
    let figures = bench.figures();
    let json = bench.results_json(&figures);
    let results_path = dir.join("results.json");
    write_atomically(&results_path, json.as_bytes())?;

    let table = bench.markdown(&figures, previous.as_ref());
    println!("\n{table}");
    println!("Results written to {}", results_path.display());
    if write {
        let (text, older) = bench.benchmarks_md(&figures, previous.as_ref(), &table);
        markdown::append_history_csv(&root().join(HISTORY_CSV), &older)?;
        write_atomically(&root().join(BENCHMARKS), text.as_bytes())?;
        println!("{BENCHMARKS} updated.");
    } else {
        println!("Run `cargo xtask bench --write` to record these figures in {BENCHMARKS}.");
    }
    Ok(())
}

fn progress(started: Instant, what: &str) {
    println!("\n==> bench [{:>5.1} s] {what}", started.elapsed().as_secs_f64());
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}
