//! The page in headless Chromium from file:// (ready, and pastes), and the sizes of the page and its wasm.

use super::inputs::Input;
use super::measure::{capture_within, field, result_line};
use super::{PAGE_SCRIPT, READY_RUNS, RUNS, SCRIPT_LIMIT};
use crate::util::{output, root, Context, Result};
use std::path::Path;
use std::process::{Command, Stdio};

pub(super) struct Paste {
    pub(super) key: String,
    pub(super) chars: f64,
    pub(super) ms: f64,
    pub(super) runs: Vec<f64>,
    pub(super) sync_ms: f64,
    pub(super) check_ms: f64,
    pub(super) render_ms: f64,
    pub(super) cards: f64,
}

pub(super) struct BrowserRun {
    pub(super) version: String,
    pub(super) ready_ms: f64,
    pub(super) ready_runs: Vec<f64>,
    pub(super) frame_ms: f64,
    pub(super) dcl_ms: f64,
    pub(super) pastes: Vec<Paste>,
}

pub(super) fn measure_page(page: &Path, pastes: &[&Input]) -> Result<BrowserRun> {
    let mut cmd = Command::new("node");
    cmd.arg(root().join(PAGE_SCRIPT)).arg(page).arg(READY_RUNS.to_string()).arg(RUNS.to_string());
    for input in pastes {
        cmd.arg(&input.path);
    }
    let out = capture_within(&mut cmd, SCRIPT_LIMIT)?;
    let ready = result_line(&out, "ready").ok_or_else(|| format!("no `result ready` line from {PAGE_SCRIPT}"))?;
    let version = result_line(&out, "browser").and_then(|b| b.get("version").cloned()).unwrap_or_default();
    let mut results = Vec::new();
    for input in pastes {
        let name = input.path.file_name().unwrap().to_string_lossy().into_owned();
        let r = result_line(&out, &format!("paste {name}"))
            .ok_or_else(|| format!("no paste result for {name} from {PAGE_SCRIPT}"))?;
        results.push(Paste {
            key: input.key.clone(),
            chars: field(&r, "chars")?,
            ms: field(&r, "best_ms")?,
            runs: r.get("runs_ms").map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect()).unwrap_or_default(),
            sync_ms: field(&r, "sync_ms")?,
            check_ms: field(&r, "check_ms")?,
            render_ms: field(&r, "render_ms")?,
            cards: field(&r, "cards")?,
        });
    }
    Ok(BrowserRun {
        version: version.replace('_', " "),
        ready_ms: field(&ready, "best_ms")?,
        ready_runs: ready
            .get("runs_ms")
            .map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect())
            .unwrap_or_default(),
        frame_ms: field(&ready, "frame_ms")?,
        dcl_ms: field(&ready, "dcl_ms")?,
        pastes: results,
    })
}

pub(super) struct Sizes {
    pub(super) page: u64,
    pub(super) page_gzip: u64,
    pub(super) page_brotli: Option<u64>,
    pub(super) wasm: u64,
    pub(super) wasm_gzip: u64,
}

pub(super) fn compressed_size(program: &str, args: &[&str], file: &Path) -> Result<u64> {
    let out = Command::new(program)
        .args(args)
        .arg(file)
        .stderr(Stdio::inherit())
        .output()
        .context(format!("cannot run {program}"))?;
    if !out.status.success() {
        return Err(format!("{program} failed on {}", file.display()));
    }
    Ok(out.stdout.len() as u64)
}

pub(super) fn measure_sizes(page: &Path) -> Result<Sizes> {
    let wasm = root().join(crate::config::Config::load()?.wasm_opt.output);
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).context(format!("cannot read {}", p.display()));
    let brotli = output(Command::new("sh").args(["-c", "command -v brotli"])).is_some();
    Ok(Sizes {
        page: len(page)?,
        page_gzip: compressed_size("gzip", &["-9", "-c"], page)?,
        page_brotli: if brotli { Some(compressed_size("brotli", &["-q", "11", "-c"], page)?) } else { None },
        wasm: len(&wasm)?,
        wasm_gzip: compressed_size("gzip", &["-9", "-c"], &wasm)?,
    })
}
