//! The report's summary: every count it states and the sentences that carry them.

use crate::model::Object;
use crate::only_online_connectors;
use crate::report::{Diagnostic, Finding, Severity, Summary, Unrecognized};
use crate::rules::Judgement;
use std::collections::BTreeMap;

/// Every count the report states, and the words for people that carry them: the one place where
/// they are computed, so that the verdict, the counts line, the page's headings and the CLI's
/// closing line cannot disagree with the lists they count.
pub(crate) fn summarize(
    objects: &[Object],
    judgements: &[Judgement],
    findings: &[Finding],
    diagnostics: &[Diagnostic],
    unrecognized: &[Unrecognized],
    example: bool,
) -> Summary {
    let mut summary = Summary::default();
    for object in objects {
        *summary.objects.entry(object.kind.as_str().to_owned()).or_insert(0) += 1;
    }
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        summary.findings.insert(severity.as_str(), findings.iter().filter(|f| f.severity == severity).count());
        summary.diagnostics.insert(severity.as_str(), diagnostics.iter().filter(|d| d.severity == severity).count());
    }
    summary.checked = judgements.iter().filter(|j| **j == Judgement::Judged).count();
    summary.unchecked = judgements.iter().filter(|j| **j == Judgement::Unjudged).count();
    summary.unrecognized_lines = unrecognized.len();
    summary.problems = summary.findings["error"] + summary.findings["warning"];
    summary.advice = summary.findings["info"];
    let problems = summary.problems;
    let advice = if summary.advice == 0 {
        String::new()
    } else {
        format!(", and {}", plural(summary.advice, "finding", "findings") + " for information")
    };
    let verdict = if problems > 0 {
        format!("{} to fix{advice}{}.", plural(problems, "problem", "problems"), unchecked_tail(summary.unchecked))
    } else if summary.checked > 0 {
        format!(
            "No problems found in {}{advice}{}.",
            plural(summary.checked, "checked object", "checked objects"),
            unchecked_tail(summary.unchecked)
        )
    } else if !findings.is_empty() {
        "Nothing could be checked, but the input shows error texts of broken hybrid mail flow: the findings say what to add next.".to_owned()
    } else if summary.unchecked == 0 && only_online_connectors(objects) {
        "Exchange Online connectors are judged against the on-premises side, and the input holds nothing from the on-premises servers; see the notes about the input for what to add.".to_owned()
    } else if summary.unchecked > 0 {
        format!(
            "Nothing could be checked: {} the properties the rules need; see the notes about the input for what to add.",
            if summary.unchecked == 1 { "1 object lacks".to_owned() } else { format!("{} objects lack", summary.unchecked) }
        )
    } else {
        "Nothing could be checked; see the notes about the input for what to add.".to_owned()
    };
    summary.verdict = if example { format!("Built-in example, not your servers: {verdict}") } else { verdict };
    let worst = |counts: &BTreeMap<&'static str, usize>, severity: &str| counts[severity] > 0;
    summary.tone = if worst(&summary.findings, "error") || worst(&summary.diagnostics, "error") {
        "error"
    } else if worst(&summary.findings, "warning") || worst(&summary.diagnostics, "warning") {
        "warning"
    } else if summary.checked > 0 {
        "good"
    } else {
        "none"
    };
    summary.counts = counts_line(&summary);
    summary
}

/// The counts in one line: objects read and checked, findings and notes about the input per
/// severity, lines not understood.
fn counts_line(summary: &Summary) -> String {
    let total: usize = summary.objects.values().sum();
    let mut read = if total == 0 {
        "No objects recognised".to_owned()
    } else {
        let kinds: Vec<String> = summary.objects.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
        format!("{} read ({}), {} checked", plural(total, "object", "objects"), kinds.join(", "), summary.checked)
    };
    if summary.unchecked > 0 {
        read.push_str(&format!(", {} could not be checked", summary.unchecked));
    }
    let per_severity = |counts: &BTreeMap<&'static str, usize>| {
        format!(
            "{}, {}, {} info",
            plural(counts["error"], "error", "errors"),
            plural(counts["warning"], "warning", "warnings"),
            counts["info"]
        )
    };
    let mut parts = vec![read, format!("Findings: {}", per_severity(&summary.findings))];
    let notes: Vec<String> =
        [("error", "error", "errors"), ("warning", "warning", "warnings"), ("info", "info", "info")]
            .iter()
            .filter(|(severity, _, _)| summary.diagnostics[severity] > 0)
            .map(|(severity, one, many)| plural(summary.diagnostics[severity], one, many))
            .collect();
    if !notes.is_empty() {
        parts.push(format!("About the input: {}", notes.join(", ")));
    }
    if summary.unrecognized_lines > 0 {
        parts.push(format!("{} not understood", plural(summary.unrecognized_lines, "line", "lines")));
    }
    parts.join(" \u{b7} ")
}

/// `1 line`, `2 lines`: a count with its noun.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn unchecked_tail(unchecked: usize) -> String {
    if unchecked == 0 {
        String::new()
    } else {
        format!(", and {} could not be checked (see the notes about the input)", plural(unchecked, "object", "objects"))
    }
}
