//! The page's wasm in Node: `checkBytes` on every input.

use super::inputs::Input;
use super::measure::{field, result_line, timed_run, Out};
use super::{MB, NODE_SCRIPT, RUNS};
use crate::util::{root, Result};
use std::path::Path;

pub(super) struct NodeRun {
    pub(super) ms: f64,
    pub(super) runs: Vec<f64>,
    /// The first call, cold (before the warm-up).
    pub(super) first: Option<f64>,
    pub(super) rss_mb: Option<f64>,
    pub(super) found: usize,
    pub(super) wasm_memory_mb: f64,
}

pub(super) fn measure_node(glue: &Path, input: &Input) -> Result<NodeRun> {
    let script = root().join(NODE_SCRIPT);
    let runs = RUNS.to_string();
    let args: [&std::ffi::OsStr; 4] = [script.as_os_str(), glue.as_os_str(), runs.as_ref(), input.path.as_os_str()];
    let t = timed_run(Path::new("node"), &args, Out::Pipe)?;
    let r =
        result_line(&t.stdout, "node").ok_or_else(|| format!("no result line from {NODE_SCRIPT}:\n{}", t.stdout))?;
    Ok(NodeRun {
        ms: field(&r, "best_ms")?,
        runs: r.get("runs_ms").map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect()).unwrap_or_default(),
        first: r.get("first_ms").and_then(|v| v.parse().ok()),
        rss_mb: t.rss_kb.map(|kb| kb as f64 * 1024.0 / MB),
        found: field(&r, "legacy")? as usize,
        wasm_memory_mb: field(&r, "wasm_memory_mb")?,
    })
}
