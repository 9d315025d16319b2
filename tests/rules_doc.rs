//! `docs/rules.md` is generated from the rule catalog; this test fails when the two drift apart.
//! Run with `UPDATE_EXPECT=1` to write the file afresh.

use hybridcheck::{catalog, paste, Kind};
use std::fmt::Write;
use std::path::Path;

fn render() -> String {
    let mut out = String::new();
    out.push_str("# Rules\n\n");
    out.push_str("<!-- Generated from the rule catalog in src/rules/ by `UPDATE_EXPECT=1 cargo test --test rules_doc`; do not edit by hand. -->\n\n");
    out.push_str("Every rule hybridcheck applies, with the same text the page shows.\n");
    out.push_str("Rule ids and severities are a public interface: reports, scripts and the page use them.\n\n");
    for rule in catalog() {
        let _ = writeln!(out, "- [`{}`](#{}) ({}): {}", rule.id, rule.id, rule.severity.as_str(), rule.title);
    }
    for rule in catalog() {
        let _ = write!(
            out,
            "\n## {id}\n\n{title}. Severity: **{severity}**.\n\n### What it checks\n\n{what}\n\n### Why it matters\n\n{why}\n\n### Example\n\n```text\n{example}\n```\n\n### Fix\n\n{fix}\n\n### Fix safety\n\n{safety}\n\n### References\n\n",
            id = rule.id,
            title = rule.title,
            severity = rule.severity.as_str(),
            what = rule.what_it_checks,
            why = rule.why_it_matters,
            example = rule.example,
            fix = rule.fix,
            safety = rule.fix_safety,
        );
        for reference in rule.references {
            let _ = writeln!(out, "- [{}]({})", reference.name, reference.url);
        }
        write_needs(&mut out, rule.needs);
    }
    out
}

/// What to paste for the rule to run: one item per need, its kinds' pastes joined by "or".
fn write_needs(out: &mut String, needs: &[&[Kind]]) {
    out.push_str("\n### What to paste\n\n");
    if needs.is_empty() {
        out.push_str("Nothing in particular: the rule reads what the paste happens to hold.\n");
    }
    for need in needs {
        let pastes: Vec<String> = need
            .iter()
            .filter_map(|kind| paste(*kind))
            .map(|p| format!("{} (run {}): `{}`", p.what, p.side.words(), p.command))
            .collect();
        let _ = writeln!(out, "- {}", pastes.join(", or "));
    }
}

#[test]
fn rules_md_matches_the_catalog() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let expected = render();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(actual == expected, "docs/rules.md is out of date; run `UPDATE_EXPECT=1 cargo test --test rules_doc`");
}

#[test]
fn every_rule_has_every_heading_filled() {
    let mut ids = std::collections::BTreeSet::new();
    for rule in catalog() {
        assert!(ids.insert(rule.id), "rule id {} appears twice", rule.id);
        assert!(rule.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", rule.id);
        for (heading, text) in [
            ("title", rule.title),
            ("what it checks", rule.what_it_checks),
            ("why it matters", rule.why_it_matters),
            ("example", rule.example),
            ("fix", rule.fix),
            ("fix safety", rule.fix_safety),
        ] {
            assert!(text.trim().len() > 10, "rule {} has no {heading}", rule.id);
        }
        assert!(!rule.references.is_empty(), "rule {} has no references", rule.id);
    }
}
