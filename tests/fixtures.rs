//! Data-driven tests: every folder under `tests/fixtures/` is a case.
//!
//! A folder with an `expected.json` is one case whose inputs are all its other files, read as
//! bytes in name order. A folder without one (such as `samples/`) holds one case per file,
//! each with `<file>.expected.json` beside it. The expectation is a projection of the report:
//! what a reader of the report relies on (sections, object counts, findings with their
//! commands, diagnostic codes, lines not understood, the exit code), not the wording of messages.
//!
//! Run with `UPDATE_EXPECT=1` to write the expectations afresh, then read the diff.

use hybridcheck::Date;
use hybridcheck::{check_with, Input, InputData, Options};
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (inputs, expected_path) in cases_under(&root) {
        cases += 1;
        let contents: Vec<(String, Vec<u8>)> = inputs
            .iter()
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read(p).unwrap()))
            .collect();
        // A fixed date keeps certificate lifetimes the same on every run.
        let options = Options { today: Date::new(2026, 11, 28), ..Options::default() };
        let report = check_with(
            contents.iter().map(|(name, bytes)| Input { name, data: InputData::Bytes(bytes.into()) }).collect(),
            &options,
        );
        let actual = serde_json::to_string_pretty(&project(&report)).unwrap() + "\n";
        if update {
            fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected.replace("\r\n", "\n") == actual => {}
            Ok(expected) => {
                failures.push(format!("{}:\n{}", expected_path.display(), first_difference(&expected, &actual)))
            }
            Err(_) => failures.push(format!("{} is missing; run with UPDATE_EXPECT=1", expected_path.display())),
        }
    }
    assert!(cases >= 10, "only {cases} fixture cases were found under {}", root.display());
    assert!(failures.is_empty(), "{} of {cases} fixture cases differ:\n\n{}", failures.len(), failures.join("\n\n"));
}

/// Finds the cases: (input files, expectation file).
#[allow(clippy::disallowed_methods, reason = "tests are not in the page: the standard sort is fine")]
fn cases_under(root: &Path) -> Vec<(Vec<PathBuf>, PathBuf)> {
    let mut cases = Vec::new();
    let mut dirs: Vec<PathBuf> =
        fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> =
            fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
        files.sort();
        let is_input = |p: &PathBuf| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with("expected.json") && !name.starts_with("README")
        };
        if dir.join("expected.json").exists()
            || !files.iter().any(|p| p.to_string_lossy().ends_with(".expected.json"))
                && files.iter().filter(|p| is_input(p)).count() > 0
                && is_single_case(&dir)
        {
            cases.push((files.iter().filter(|p| is_input(p)).cloned().collect(), dir.join("expected.json")));
        } else {
            for file in files.iter().filter(|p| is_input(p)) {
                let expected = PathBuf::from(format!("{}.expected.json", file.display()));
                cases.push((vec![file.clone()], expected));
            }
        }
    }
    cases
}

/// A folder is one case unless it is a collection of independent files (it then has no `input*` file).
fn is_single_case(dir: &Path) -> bool {
    fs::read_dir(dir).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().starts_with("input"))
}

/// The parts of the report that the tests pin down.
fn project(report: &hybridcheck::report::Report) -> Value {
    let r = serde_json::to_value(report).unwrap();
    let sections: Vec<Value> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .flat_map(|(i, input)| {
            input["sections"].as_array().unwrap().iter().map(move |s| {
                json!(format!(
                    "input {i} ({}) lines {}-{}: {} {} from {}, {} objects",
                    input["encoding"].as_str().unwrap(),
                    s["first_line"],
                    s["last_line"],
                    s["format"].as_str().unwrap(),
                    s["cmdlet"].as_str().unwrap_or("?"),
                    s["cmdlet_from"].as_str().unwrap_or("-"),
                    s["objects"]
                ))
            })
        })
        .collect();
    let objects: Vec<Value> = r["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            json!(format!(
                "{} {} (input {} line {})",
                o["kind"].as_str().unwrap(),
                o["identity"].as_str().unwrap_or("(no identity)"),
                o["input"],
                o["line"]
            ))
        })
        .collect();
    let findings: Vec<Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            json!({
                "rule": f["rule"], "severity": f["severity"], "identity": f["identity"], "line": f["line"],
                "evidence": f["evidence"].as_array().unwrap().iter().map(|e| json!(format!("{} line {}{}: {}", e["property"].as_str().unwrap(), e["line"], if e["truncated"].as_bool().unwrap() { " (cut)" } else { "" }, e["value"].as_str().unwrap()))).collect::<Vec<_>>(),
                "safety": f["remediation"]["safety"],
                "commands": f["remediation"]["commands"],
                "verify": f["remediation"]["verify"],
                "rollback": f["remediation"]["rollback"],
            })
        })
        .collect();
    let diagnostics: Vec<Value> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let line = format!(
                "{} {} input {} line {}",
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["input"],
                d["line"]
            );
            // The commands a hint asks to run are what a reader copies: they are part of the projection.
            match d["commands"].as_array() {
                Some(commands) if !commands.is_empty() => json!({ "diagnostic": line, "commands": commands }),
                _ => json!(line),
            }
        })
        .collect();
    let unrecognized: Vec<Value> = r["unrecognized"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| json!(format!("input {} line {}", u["input"], u["line"])))
        .collect();
    json!({
        "summary": { "objects": r["summary"]["objects"], "findings": r["summary"]["findings"], "checked": r["summary"]["checked"], "unchecked": r["summary"]["unchecked"] },
        "exit_code": report.exit_code(),
        "sections": sections,
        "objects": objects,
        "findings": findings,
        "diagnostics": diagnostics,
        "unrecognized": unrecognized,
    })
}

fn first_difference(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let at = expected.iter().zip(&actual).position(|(a, b)| a != b).unwrap_or(expected.len().min(actual.len()));
    let show = |lines: &[&str]| {
        lines.iter().skip(at.saturating_sub(2)).take(6).map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
    };
    format!("  first difference at line {}\n  expected:\n{}\n  actual:\n{}", at + 1, show(&expected), show(&actual))
}
