//! `cargo xtask setup`: installs what the build and the tests need, and only what is missing.
//!
//! From a machine with only rustup, cargo, node and npm: the wasm32 target, the wasm-bindgen CLI
//! at Cargo.lock's version, the npm tools (binaryen's wasm-opt, terser, playwright-core) and Debian's
//! chromium with its chromedriver. A second run checks everything and changes nothing.

use crate::config::locked_wasm_bindgen_version;
use crate::dist::{wasm_opt, DEBIAN_WASM_OPT};
use crate::util::{output, root, run, Context, Result};
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

const TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn setup() -> Result<()> {
    step("rustup target", wasm_target)?;
    step("wasm-bindgen CLI", wasm_bindgen_cli)?;
    step("npm tools", npm_tools)?;
    step("chromium", chromium)?;
    Ok(())
}

/// Runs one step and prints one line: what it found or did.
fn step(name: &str, work: impl FnOnce() -> Result<String>) -> Result<()> {
    let (result, took) = crate::util::timed(work);
    match result {
        Ok(what) => {
            println!("setup: {name:<17} {what} ({})", crate::util::secs(took));
            Ok(())
        }
        Err(err) => Err(format!("setup: {name}: {err}")),
    }
}

fn wasm_target() -> Result<String> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or("`rustup target list --installed` failed; is rustup installed?")?;
    if installed.lines().any(|line| line.trim() == TARGET) {
        return Ok(format!("{TARGET}: already there"));
    }
    run(Command::new("rustup").args(["target", "add", TARGET]))?;
    Ok(format!("{TARGET}: done"))
}

fn wasm_bindgen_cli() -> Result<String> {
    let wanted = locked_wasm_bindgen_version()?;
    let version_of = |program: &str| output(Command::new(program).arg("--version")).map(|v| v.trim().to_owned());
    let current = |program: &str| version_of(program).as_deref() == Some(format!("{program} {wanted}").as_str());
    if current("wasm-bindgen") && current("wasm-bindgen-test-runner") {
        return Ok(format!("{wanted}: already there"));
    }
    // Opt-level 0 makes the install take 40 s instead of 2 min, and the output is byte-identical.
    // `--locked` would fail: the CLI's lockfile wants a webpki-roots that the registry lacks.
    run(Command::new("cargo")
        .args(["install", "wasm-bindgen-cli", "--version", &wanted, "--no-default-features", "--force"])
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0"))?;
    match version_of("wasm-bindgen") {
        Some(v) if v == format!("wasm-bindgen {wanted}") => Ok(format!("{wanted}: done")),
        other => Err(format!(
            "installed wasm-bindgen-cli {wanted}, but `wasm-bindgen --version` on PATH says {other:?}; put cargo's bin directory first on PATH"
        )),
    }
}

fn npm_tools() -> Result<String> {
    let root = root();
    let lock = root.join("package-lock.json");
    // npm writes node_modules/.package-lock.json on every install; an older one means a stale install.
    let installed = root.join("node_modules/.package-lock.json");
    let stale = match (modified(&installed), modified(&lock)) {
        (Some(installed), Some(lock)) => lock > installed,
        _ => true,
    };
    let did = if stale || wasm_opt().is_err() || !root.join(crate::dist::TERSER).exists() {
        run(Command::new("npm").arg("ci"))?;
        "done"
    } else {
        "already there"
    };
    // Check the one tool the build cannot do without, and warn about the one it must never use.
    let version = output(Command::new(wasm_opt()?).arg("--version"))
        .ok_or("node_modules/.bin/wasm-opt does not run")?
        .trim()
        .to_owned();
    if Path::new(DEBIAN_WASM_OPT).exists() {
        eprintln!(
            "setup: warning: {DEBIAN_WASM_OPT} (Debian binaryen) is installed; xtask never uses it because its output breaks at runtime. Remove it with `apt-get remove binaryen`."
        );
    }
    Ok(format!("npm ci: {did}; {version}"))
}

fn chromium() -> Result<String> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(format!("{CHROMIUM} and {CHROMEDRIVER}: already there"));
    }
    // As root apt-get runs directly; otherwise through sudo, which would drop a plain env variable.
    let as_root = output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let apt = |args: &[&str]| {
        let mut cmd = Command::new(if as_root { "env" } else { "sudo" });
        if !as_root {
            cmd.arg("env");
        }
        cmd.args(["DEBIAN_FRONTEND=noninteractive", "apt-get"]).args(args);
        run(&mut cmd)
    };
    apt(&["update"])?;
    apt(&["install", "-y", "chromium", "chromium-driver"]).context("cannot install chromium and chromium-driver")?;
    Ok("chromium, chromium-driver: done".into())
}

fn modified(path: &Path) -> Option<SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}
