//! `cargo xtask test`: every check of the project, in order, stopping at the first failure.
//!
//! This is what `.ci/run` runs. Each step prints its wall time, and the closing table lists them all.

use crate::util::{root, run, run_within, secs, timed, Result};
use std::process::Command;
use std::time::Duration;

/// The browser end-to-end tests, written in JavaScript with playwright-core.
const E2E: &str = "tests/e2e/run.mjs";

/// How long the end-to-end tests may take before they count as hung (about three and a half
/// minutes on a busy machine, a third of it the 10 and 50 MB inputs and the axe-core runs).
const E2E_LIMIT: Duration = Duration::from_secs(480);

/// The package of the wasm boundary and its wasm tests.
const WASM_PACKAGE: &str = "hybridcheck-wasm";

/// One step: its name and its work.
type Step = (&'static str, Box<dyn FnOnce() -> Result<()>>);

pub fn test() -> Result<()> {
    let steps: Vec<Step> = vec![
        ("setup", Box::new(crate::setup::setup)),
        ("format", Box::new(|| run(&mut cargo(&["fmt", "--all", "--", "--check"])))),
        ("clippy", Box::new(|| run(&mut cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])))),
        (
            // The wasm boundary (wasm/) and its tests only compile for wasm32; the core, which it
            // links, is linted for wasm32 with it.
            "clippy (wasm32)",
            Box::new(|| {
                run(&mut cargo(&[
                    "clippy",
                    "-p",
                    WASM_PACKAGE,
                    "--target",
                    "wasm32-unknown-unknown",
                    "--lib",
                    "--tests",
                    "--",
                    "-D",
                    "warnings",
                ]))
            }),
        ),
        ("native tests", Box::new(|| run(&mut cargo(&["test", "--workspace"])))),
        ("wasm tests (Node, Chromium)", Box::new(wasm_tests)),
        ("dist", Box::new(|| crate::dist::dist().map(drop))),
        ("e2e (Playwright)", Box::new(e2e)),
    ];
    let count = steps.len();
    let mut times: Vec<(&str, Duration)> = Vec::new();
    for (n, (name, work)) in steps.into_iter().enumerate() {
        println!("\n==> [{}/{count}] {name}", n + 1);
        let (result, took) = timed(work);
        times.push((name, took));
        if let Err(err) = result {
            return Err(format!("step {}/{count} `{name}` FAILED after {}:\n{err}", n + 1, secs(took)));
        }
        println!("==> [{}/{count}] {name}: ok ({})", n + 1, secs(took));
    }
    println!("\nAll {count} steps passed:");
    for (name, took) in &times {
        println!("  {name:<28} {:>8}", secs(*took));
    }
    println!("  {:<28} {:>8}", "total", secs(times.iter().map(|t| t.1).sum()));
    if !root().join(E2E).exists() {
        println!("!!! The e2e step was SKIPPED: {E2E} does not exist yet.");
    }
    Ok(())
}

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(args);
    cmd
}

/// The wasm crate's `tests/node.rs` runs in Node and its `tests/web.rs` in headless Chromium,
/// both through wasm-bindgen-test-runner. No `-q`: cargo would pass `--quiet` on, and the runner
/// rejects it.
fn wasm_tests() -> Result<()> {
    run(cargo(&["test", "-p", WASM_PACKAGE, "--target", "wasm32-unknown-unknown", "--test", "node", "--test", "web"])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", root().join("wasm/webdriver.json")))
}

fn e2e() -> Result<()> {
    if !root().join(E2E).exists() {
        println!(
            "\n!!!!!!!!\n!!! SKIPPED: {E2E} does not exist yet, so the page was NOT tested in a browser.\n!!!!!!!!"
        );
        return Ok(());
    }
    run_within(Command::new("node").arg(E2E), Some(E2E_LIMIT))
}
