//! The report: schema `hybridcheck/1`, the contract for the page, the CLI and other tools.
//!
//! Field names here are a public interface: pages, scripts and other tools read them.
//! Add fields freely; never rename or remove one without changing the schema name.

pub mod markdown;
pub mod ps1;
pub mod text;

pub use crate::decode::Encoding;
pub use crate::formats::Format;
pub use crate::source::LineNo;
use serde::Serialize;
use std::collections::BTreeMap;

pub use crate::diagnostic::{fixed_name, Diagnostic, Severity};
pub use crate::remediation::collect::{Paste, Side};
pub use crate::remediation::command::Command;
pub use crate::remediation::{Remediation, Safety};

/// The schema name every report carries.
pub const SCHEMA: &str = "hybridcheck/1";

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub tool: Tool,
    /// True when the input is the built-in example, not the user's servers.
    pub example: bool,
    /// The date the check was made (`YYYY-MM-DD`, the caller's today), or null when not given.
    pub checked_on: Option<String>,
    pub summary: Summary,
    pub inputs: Vec<InputReport>,
    pub objects: Vec<ObjectReport>,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub unrecognized: Vec<Unrecognized>,
    /// The rules that could not judge anything because the input lacks a paste they read, in the
    /// catalog's order, each with the pastes that would let it run.
    pub rules_not_run: Vec<RuleNotRun>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
    /// The date of the built-in data (build-number table, known certificates).
    pub data_as_of: &'static str,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Objects seen, per kind (`ReceiveConnector`, `SendConnector`, ...).
    pub objects: BTreeMap<String, usize>,
    /// Findings per severity; every severity is always present.
    pub findings: BTreeMap<&'static str, usize>,
    /// Findings of severity error or warning: the problems the verdict counts.
    pub problems: usize,
    /// Findings of severity info: advice, nothing broken.
    pub advice: usize,
    /// Diagnostics (notes about the input) per severity; every severity is always present.
    pub diagnostics: BTreeMap<&'static str, usize>,
    /// Objects that the rules could judge.
    pub checked: usize,
    /// Objects whose deciding properties were missing or lost, so that nothing can be said of them.
    pub unchecked: usize,
    /// Input lines that nothing understood (also listed in `unrecognized`).
    pub unrecognized_lines: usize,
    /// One sentence for people: what the report found.
    pub verdict: String,
    /// How the verdict should look: `error` or `warning` when a finding or a note about the input
    /// has that severity, `good` when objects were checked and nothing is wrong, `none` otherwise.
    pub tone: &'static str,
    /// Every count in one line for people: objects read and checked, findings and notes about the
    /// input per severity, lines not understood.
    pub counts: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct InputReport {
    pub name: String,
    pub encoding: Encoding,
    pub lines: LineNo,
    pub sections: Vec<SectionReport>,
}

/// The pastes the input lacks, each with the rules it would let run (in the catalog's order), in
/// the order of the first rule that lacks it: what the renderers show under "Rules not run".
pub fn pastes_to_add(report: &Report) -> Vec<(&MissingPaste, Vec<&'static str>)> {
    let mut pastes: Vec<(&MissingPaste, Vec<&'static str>)> = Vec::new();
    for not_run in &report.rules_not_run {
        for missing in &not_run.missing {
            match pastes.iter_mut().find(|(paste, _)| paste.kind == missing.kind) {
                Some((_, rules)) => rules.push(not_run.rule),
                None => pastes.push((missing, vec![not_run.rule])),
            }
        }
    }
    pastes
}

/// When, by what and from which inputs the report was made, in one line for a header:
/// `Checked on 2026-12-05 by hybridcheck 0.1.0 (data as of 2026-11-28); input: paste (31 lines).`
/// Input names come from the input: renderers escape the line as they escape any input text.
pub fn checked_line(report: &Report) -> String {
    let when = match &report.checked_on {
        Some(date) => format!("Checked on {date}"),
        None => "Checked".to_owned(),
    };
    let inputs: Vec<String> = report
        .inputs
        .iter()
        .map(|i| format!("{} ({})", i.name, crate::plural(i.lines as usize, "line", "lines")))
        .collect();
    format!(
        "{when} by {} {} (data as of {}); {}: {}.",
        report.tool.name,
        report.tool.version,
        report.tool.data_as_of,
        if inputs.len() == 1 { "input" } else { "inputs" },
        if inputs.is_empty() { "none".to_owned() } else { inputs.join(", ") }
    )
}

#[derive(Clone, Debug, Serialize)]
pub struct SectionReport {
    /// The cmdlet that produced the section, e.g. `Get-ReceiveConnector`, or null when unknown.
    pub cmdlet: Option<String>,
    /// Where `cmdlet` came from: `command` (the prompt line), `log` (a call recorded in a Hybrid
    /// Configuration Wizard log) or `properties` (the property set).
    pub cmdlet_from: Option<&'static str>,
    pub format: Format,
    pub first_line: LineNo,
    pub last_line: LineNo,
    pub objects: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ObjectReport {
    #[serde(serialize_with = "fixed_name")]
    pub kind: &'static str,
    pub identity: Option<String>,
    pub input: usize,
    pub line: LineNo,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    #[serde(serialize_with = "fixed_name")]
    pub rule: &'static str,
    pub severity: Severity,
    #[serde(serialize_with = "fixed_name")]
    pub kind: &'static str,
    pub identity: Option<String>,
    /// The server the object belongs to, when the input says (a receive connector's server, an
    /// Exchange server itself); null otherwise.
    pub server: Option<String>,
    pub input: usize,
    pub line: LineNo,
    pub message: String,
    pub evidence: Vec<Evidence>,
    pub references: Vec<Reference>,
    pub remediation: Remediation,
}

#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    pub property: String,
    pub value: String,
    pub line: LineNo,
    pub truncated: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Reference {
    pub name: &'static str,
    pub url: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct Unrecognized {
    pub input: usize,
    pub line: LineNo,
    /// The line's text, cut to 200 characters.
    pub text: String,
}

/// A rule that could not run for lack of a paste.
#[derive(Clone, Debug, Serialize)]
pub struct RuleNotRun {
    /// The rule's id, as in the catalog.
    pub rule: &'static str,
    /// What to paste so that it runs: one entry for each of its needs the input does not meet.
    pub missing: Vec<MissingPaste>,
}

/// A paste the input lacks: which kind of object, in words, where to run the command, and the
/// command that prints it.
#[derive(Clone, Debug, Serialize)]
pub struct MissingPaste {
    /// The kind of object, as in `objects[].kind` (`ExchangeCertificate`, `InboundConnector`, ...).
    pub kind: &'static str,
    /// The objects in words (`the Exchange certificates`).
    pub what: &'static str,
    /// Where the command runs: `on-premises`, `each-server` or `exchange-online`.
    pub side: Side,
    /// The command that prints them, as the collector block shows it.
    pub command: Command,
}

impl Side {
    /// Where to run the command, in words for a sentence: `on premises`.
    pub fn words(self) -> &'static str {
        match self {
            Side::OnPremises => "on premises",
            Side::EachServer => "on each Exchange server",
            Side::ExchangeOnline => "in Exchange Online",
        }
    }
}

impl MissingPaste {
    pub fn of(paste: &'static Paste) -> MissingPaste {
        MissingPaste { kind: paste.kind.as_str(), what: paste.what, side: paste.side, command: paste.command() }
    }
}
