//! `cargo xtask fuzz`: runs every cargo-fuzz target under `fuzz/` for a fixed number of
//! executions, and prints how many each ran.
//!
//! The corpus in `fuzz/corpus/<target>` is small and committed; libFuzzer reads it and writes
//! what it discovers to `target/fuzz-corpus/<target>`, so a run leaves the tree clean. A crash
//! stops the run with the path of the input that caused it: turn it into a fixture test.

use crate::util::{root, show, target_dir, Context, Result};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Executions per target when `--runs` is not given: eight targets make 1.2 million in all.
pub const DEFAULT_RUNS: u64 = 150_000;

pub fn fuzz(runs: u64) -> Result<()> {
    nightly_available()?;
    cargo_fuzz_available()?;
    let fuzz_dir = root().join("fuzz");
    let targets = targets()?;
    let mut total = 0;
    let mut rows = Vec::new();
    for target in &targets {
        let work = target_dir().join("fuzz-corpus").join(target);
        std::fs::create_dir_all(&work).context(format!("cannot create {}", work.display()))?;
        let seeds = fuzz_dir.join("corpus").join(target);
        let mut cmd = Command::new("cargo");
        cmd.current_dir(&fuzz_dir)
            .args(["+nightly", "fuzz", "run", target])
            .arg(&work)
            .arg(&seeds)
            .args(["--", &format!("-runs={runs}"), "-max_len=65536", "-rss_limit_mb=4096", "-print_final_stats=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        println!("==> {}", show(&cmd));
        let started = Instant::now();
        let output = cmd.output().context(format!("cannot run {}", show(&cmd)))?;
        let log = String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            let tail: Vec<&str> = log.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
            return Err(format!(
                "fuzz target `{target}` failed:\n{}\nThe input that failed is under fuzz/artifacts/{target}/; add it as a fixture under tests/fixtures/ and fix the defect.",
                tail.join("\n")
            ));
        }
        let done = executions(&log).unwrap_or(0);
        total += done;
        rows.push((target.clone(), done, started.elapsed().as_secs_f64()));
        println!("    {target}: {done} executions in {:.1} s, no crash", started.elapsed().as_secs_f64());
    }
    println!("\nFuzzing finished without a crash:");
    for (target, done, seconds) in &rows {
        println!("  {target:<14} {done:>10} executions  {seconds:>7.1} s");
    }
    println!("  {:<14} {total:>10} executions", "total");
    Ok(())
}

/// The targets named in `fuzz/Cargo.toml`.
fn targets() -> Result<Vec<String>> {
    let manifest = crate::util::read_text(&root().join("fuzz/Cargo.toml"))?;
    let targets: Vec<String> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|name| *name != "hybridcheck-fuzz")
        .map(str::to_owned)
        .collect();
    if targets.is_empty() {
        return Err("fuzz/Cargo.toml names no fuzz targets".into());
    }
    Ok(targets)
}

/// libFuzzer's closing line: `Done 150000 runs in 42 second(s)`.
fn executions(log: &str) -> Option<u64> {
    log.lines().rev().find_map(|l| l.strip_prefix("Done ")?.split_whitespace().next()?.parse().ok())
}

fn nightly_available() -> Result<()> {
    let ok = Command::new("cargo")
        .args(["+nightly", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Ok(())
    } else {
        Err("cargo xtask fuzz needs nightly Rust, which this machine does not have. Install it with `rustup toolchain install nightly --profile minimal --no-self-update` (never without --no-self-update), then run the command again.".into())
    }
}

fn cargo_fuzz_available() -> Result<()> {
    let ok = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Ok(());
    }
    println!("==> cargo-fuzz is missing; installing it (about a minute)");
    crate::util::run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_libfuzzer_closing_line() {
        let log =
            "#150000\tDONE   cov: 1 ft: 2\nDone 150000 runs in 42 second(s)\nstat::number_of_executed_units: 150000\n";
        assert_eq!(super::executions(log), Some(150_000));
        assert_eq!(super::executions("no summary"), None);
    }
}
