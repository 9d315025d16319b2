//! Values a paste hid on purpose are said to be redacted, never judged as configuration errors
//! and never put in a command; real names that merely look like examples are judged as usual.
//! Runs over the `redacted-*` fixtures.

use hybridcheck::internals::hidden_part;
use hybridcheck::report::Report;
use hybridcheck::Date;
use hybridcheck::{check_with, Input, InputData, Options};
use std::path::Path;

/// The report of a fixture's text, on the fixtures' fixed date.
fn check_text(text: &str) -> Report {
    let options = Options { today: Date::new(2026, 11, 28), ..Options::default() };
    check_with(vec![Input { name: "paste", data: InputData::Text(text) }], &options)
}

#[allow(clippy::disallowed_methods, reason = "tests are not in the page: the standard sort is fine")]
fn cases() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases: Vec<(String, String)> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("redacted-"))
        .map(|name| {
            let text = std::fs::read_to_string(root.join(&name).join("input.txt")).unwrap();
            (name, text)
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "only {} redacted-* fixtures", cases.len());
    cases
}

/// The single-quoted literals of a command: the only places input text takes in it.
fn quoted(command: &str) -> impl Iterator<Item = &str> {
    command.split('\'').skip(1).step_by(2)
}

#[test]
fn hidden_values_are_info_and_never_in_a_command() {
    for (name, text) in cases().into_iter().filter(|(name, _)| !name.contains("near-miss")) {
        let report = check_text(&text);
        // Said by a diagnostic, or by the note of a finding that stands on what the paste does show.
        let said = report.diagnostics.iter().any(|d| d.code == "redacted-value")
            || report.findings.iter().any(|f| f.remediation.notes.iter().any(|n| n.contains("looks redacted")));
        assert!(said, "{name}: nothing says a value looks redacted");
        for d in report.diagnostics.iter().filter(|d| d.code == "redacted-value") {
            assert_eq!(d.severity.as_str(), "info", "{name}: {}", d.message);
        }
        for finding in &report.findings {
            for evidence in &finding.evidence {
                if hidden_part(&evidence.value).is_some() {
                    panic!("{name}: finding {} rests on a hidden value: {}", finding.rule, evidence.value);
                }
            }
            let r = &finding.remediation;
            for command in r.commands().iter().chain(r.verify()).chain(r.rollback()) {
                let command = command.text();
                for literal in quoted(command) {
                    assert!(hidden_part(literal).is_none(), "{name}: a command uses a hidden value: {command}");
                }
            }
        }
        for d in &report.diagnostics {
            for command in &d.commands {
                for literal in quoted(command.text()) {
                    assert!(
                        hidden_part(literal).is_none(),
                        "{name}: the {} hint runs a hidden value: {command}",
                        d.code
                    );
                }
            }
        }
    }
}

#[test]
fn real_names_that_look_like_examples_are_judged() {
    for (name, text) in cases().into_iter().filter(|(name, _)| name.contains("near-miss")) {
        let report = check_text(&text);
        assert!(report.diagnostics.iter().all(|d| d.code != "redacted-value"), "{name}: {:?}", report.diagnostics);
        assert!(
            report.findings.iter().any(|f| f.severity.as_str() == "error"),
            "{name}: the real problem is still found"
        );
    }
}
