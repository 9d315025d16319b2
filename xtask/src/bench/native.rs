//! The CLI against `grep -ci` on every input: time, peak memory, and whether it found what the
//! generator put in.

use super::inputs::Input;
use super::measure::{best_of_each, json_number, timed_run, Out, Timing};
use super::{CLI_PACKAGE, MB, RULE, WORDS};
use crate::util::{run, target_dir, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the CLI as the README builds it (`cargo build --release`), and returns its path.
pub(super) fn build_cli() -> Result<PathBuf> {
    run(Command::new("cargo").args(["build", "--release", "--locked", "-p", CLI_PACKAGE, "--bin", "hybridcheck"]))?;
    Ok(target_dir().join("release/hybridcheck"))
}

pub(super) struct NativeRun {
    pub(super) ms: f64,
    pub(super) runs: Vec<f64>,
    pub(super) rss_mb: Option<f64>,
    pub(super) grep_ms: f64,
    pub(super) grep_runs: Vec<f64>,
    pub(super) grep_rss_mb: Option<f64>,
    pub(super) grep_count: u64,
    /// Findings of the legacy rule in the report.
    pub(super) found: usize,
    pub(super) findings: usize,
    pub(super) checked: usize,
    pub(super) unrecognized: usize,
}

pub(super) fn measure_native(cli: &Path, input: &Input) -> Result<NativeRun> {
    let file = input.path.as_os_str();
    let args: [&std::ffi::OsStr; 3] = ["--format".as_ref(), "json".as_ref(), file];
    let grep = Path::new("grep");
    let grep_args: [&std::ffi::OsStr; 3] = ["-ci".as_ref(), WORDS.as_ref(), file];
    let mut ours = Timing { program: cli, args: &args, out: Out::Null, times: Vec::new(), rss: None };
    let mut theirs = Timing { program: grep, args: &grep_args, out: Out::File, times: Vec::new(), rss: None };
    best_of_each(&mut ours, &mut theirs)?;
    let ((ms, rss, runs), (grep_ms, grep_rss, grep_runs)) = (ours.result(), theirs.result());
    let grep_count = timed_run(grep, &grep_args, Out::File)?.stdout.trim().parse().unwrap_or(0);
    // One more run, untimed, for what the report says.
    let report = timed_run(cli, &args, Out::Pipe)?.stdout;
    Ok(NativeRun {
        ms,
        runs,
        rss_mb: rss.map(|kb| kb as f64 * 1024.0 / MB),
        grep_ms,
        grep_runs,
        grep_rss_mb: grep_rss.map(|kb| kb as f64 * 1024.0 / MB),
        grep_count,
        found: report.matches(&format!("\"rule\": \"{RULE}\"")).count(),
        findings: report.matches("\"rule\": \"").count(),
        checked: json_number(&report, "checked").unwrap_or(0),
        unrecognized: json_number(&report, "unrecognized_lines").unwrap_or(0),
    })
}
