//! The crate's own source files, for the tests that hold a rule of the code by reading it
//! (`#[path = "support/sources.rs"] mod sources;`).

use std::fs;
use std::path::{Path, PathBuf};

/// The Rust files under `dir`, recursively, in name order.
#[allow(clippy::disallowed_methods, reason = "tests are not in the page: the standard sort is fine")]
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}
