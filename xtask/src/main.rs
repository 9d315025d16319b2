//! `cargo xtask`: the project's build and test tasks, in plain Rust (see `cargo xtask help`).

mod bench;
mod ci;
mod config;
mod dist;
mod fuzz;
mod page;
mod serve;
mod setup;
mod util;

use std::process::ExitCode;

const HELP: &str = "\
Usage: cargo xtask <task>

Tasks:
  setup           Install what is missing: the wasm32 target, the wasm-bindgen CLI at Cargo.lock's
                  version, the npm tools (npm ci), chromium and chromedriver (apt). Fast when done.
  dist            Build dist/hybridcheck.html, the single self-contained offline page, as
                  configured in wasm-pack.toml.
  serve [--port N]
                  Build the page, then serve it on http://127.0.0.1:8080 (or port N) until Ctrl-C.
  test            Run every check in order, stopping at the first failure: setup, rustfmt, clippy,
                  native tests, wasm tests (Node and headless Chromium), dist, browser e2e tests.
  fuzz [--runs N] Run every cargo-fuzz target under fuzz/ for N executions each (default 150000,
                  1.2 million in all). Needs nightly Rust; says so when it is missing.
  bench [--write] [--inputs] [--hostile] [--quick]
                  Benchmark on generated 1, 10 and 100 MB inputs (in target/bench/): the release
                  CLI against grep -ci, peak memory, hostile inputs of up to 1 MB, wasm in Node,
                  the page in headless Chromium, sizes. Writes target/bench/results.json; --write
                  also updates BENCHMARKS.md; --inputs only generates the inputs; --hostile only
                  checks the hostile inputs with the release CLI and prints the worst case;
                  --quick runs on the small inputs only. Not part of `test`; takes a few minutes.
  help            Show this text.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["setup"] => setup::setup(),
        ["dist"] => dist::dist().map(drop),
        ["serve"] => serve::serve(serve::DEFAULT_PORT),
        ["serve", "--port", port] => match port.parse() {
            Ok(port) => serve::serve(port),
            Err(_) => Err(format!("--port takes a port number, not `{port}`")),
        },
        ["test"] => ci::test(),
        ["fuzz"] => fuzz::fuzz(fuzz::DEFAULT_RUNS),
        ["fuzz", "--runs", runs] => match runs.parse() {
            Ok(runs) => fuzz::fuzz(runs),
            Err(_) => Err(format!("--runs takes a number, not `{runs}`")),
        },
        ["bench", rest @ ..] => bench::bench(rest),
        [] | ["help" | "--help" | "-h"] => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("cargo xtask: unknown arguments `{}`\n\n{HELP}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\ncargo xtask: error: {err}");
            ExitCode::FAILURE
        }
    }
}
