//! hybridcheck: finds broken Exchange hybrid TLS connectors in pasted Exchange Management Shell output.
//!
//! The flow of one paste: bytes are decoded (`decode`), split into transcript segments
//! (`transcript`), parsed per format into generic records (`formats`), typed into Exchange
//! objects (`model`), judged by the rules (`rules`) which attach commands built by
//! `remediation`, and collected into a [`report::Report`]: [`check_with`] runs them all.
//!
//! This crate performs no IO: it takes bytes or text and returns a value. Nothing here fails:
//! every input, however broken, yields a report whose diagnostics say what went wrong.

// The public API is what this file declares `pub` (`check`, `check_with`, `check_text`, their
// inputs and options, `VERSION`, `DATA_AS_OF`, the example, `escape`, the rule catalog) and the
// `report` module (the report's types and its renderers). Every other module is the crate's own.
pub(crate) mod decode;
pub(crate) mod decoration;
pub(crate) mod diagnostic;
pub(crate) mod example;
pub(crate) mod formats;
pub(crate) mod hidden;
pub(crate) mod model;
mod read;
pub(crate) mod remediation;
pub mod report;
pub(crate) mod rules;
pub(crate) mod sort;
pub(crate) mod source;
mod summary;
pub(crate) mod transcript;

pub use example::TRANSCRIPT as EXAMPLE;
pub use hidden::escape;
pub use model::date::Date;
pub use rules::{catalog, RuleDoc};

/// Not API: what the tests, the fuzz targets and the benchmarks reach inside the core for (the
/// parsers one by one, the line index, the tables). It may change with any commit; programs
/// that use hybridcheck call [`check_with`] and read the [`report`].
#[doc(hidden)]
pub mod internals {
    pub use crate::decode::decode;
    pub use crate::decoration::strip;
    pub use crate::example::TRANSCRIPT;
    pub use crate::formats::clixml::{self, RefBudget};
    pub use crate::formats::{csv, every_property, json, list, parse_segment, shell, table, Value};
    pub use crate::hidden::{escape, first_hidden, is_hidden, RANGES};
    pub use crate::model::{capabilities::fold, date::Date, is_read, redaction::hidden_part};
    pub use crate::source::{is_blank, trim, trim_end, trim_start, Source};
}

use decode::Encoding;
pub use model::Kind;
use model::Object;
pub use remediation::collect::{collector, paste, CollectorPart};
use report::{Diagnostic, InputReport, ObjectReport, Report, Severity, Tool, Unrecognized};
use rules::Judgement;
use source::{is_blank, Source};
pub(crate) use summary::plural;

/// The version of the checker.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The date of the built-in data: certificate issuers, build numbers, support dates.
pub const DATA_AS_OF: &str = "2026-11-28";

/// One thing to check: a file's bytes or pasted text, with a name to show in the report.
pub struct Input<'a> {
    pub name: &'a str,
    pub data: InputData<'a>,
}

pub enum InputData<'a> {
    /// Raw bytes (a dropped or named file, standard input); decoded as [`decode::decode`] says.
    /// UTF-8 is read in place (borrowed bytes stay borrowed, owned bytes become the text), so a large file is held once.
    Bytes(std::borrow::Cow<'a, [u8]>),
    /// Text that is already a string (the page's paste box).
    Text(&'a str),
}

/// What the caller knows that the input does not say.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Today's date, for certificate lifetimes. The core has no clock: the CLI passes the
    /// system date (or `--now`), the page the browser's. Without it, lifetimes are not judged.
    pub today: Option<model::date::Date>,
    /// The input is the built-in example, not the user's servers: the report says so
    /// (`example`), its verdict is labelled, and a fix script made from it refuses to run.
    pub example: bool,
}

/// Checks pasted text. A shorthand for [`check`] with one input.
pub fn check_text(text: &str) -> Report {
    check(vec![Input { name: "paste", data: InputData::Text(text) }])
}

/// Checks every input without options; see [`check_with`].
pub fn check(inputs: Vec<Input>) -> Report {
    check_with(inputs, &Options::default())
}

/// Checks every input and returns one report over all of them.
pub fn check_with(inputs: Vec<Input>, options: &Options) -> Report {
    let read = read_inputs(inputs);
    let Read { objects, input_reports, mut diagnostics, unrecognized, .. } = read;
    let known = objects.iter().filter(|o| o.kind != Kind::Unknown).count();
    if known == 0 && read.empty_inputs < read.input_count {
        diagnostics.push(no_recognized_input(&objects, read.binary_inputs > 0));
    }
    if let Some(diagnostic) = online_connectors_diagnostic(&objects) {
        diagnostics.push(diagnostic);
    }
    let outcome = rules::run(&objects, options);
    let judged_any = outcome.judgements.iter().any(|j| *j != Judgement::NotApplicable);
    // A paste of only Exchange Online connectors has its own diagnostic, which says what to add.
    if known > 0 && !judged_any && outcome.findings.is_empty() && !only_online_connectors(&objects) {
        diagnostics.push(paste_instead(Diagnostic::new(
            "nothing-to-check",
            Severity::Warning,
            0,
            None,
            format!(
                "The input holds {known} object{}, but none that the rules judge. They read: {}.",
                if known == 1 { "" } else { "s" },
                remediation::collect::PASTES.iter().map(|p| p.what).collect::<Vec<_>>().join("; ")
            ),
            String::new(),
        )));
    }
    let mut findings = outcome.findings;
    sort::sort_by_key(&mut findings, |f| (f.severity, f.input, f.line));
    diagnostics.extend(outcome.diagnostics);
    sort::sort_by_key(&mut diagnostics, |d| (d.input, d.line.unwrap_or(0)));
    let summary =
        summary::summarize(&objects, &outcome.judgements, &findings, &diagnostics, &unrecognized, options.example);
    let rules_not_run = rules::not_run(&objects);
    Report {
        schema: report::SCHEMA,
        tool: Tool { name: "hybridcheck", version: VERSION, data_as_of: DATA_AS_OF },
        example: options.example,
        checked_on: options.today.map(|d| d.to_string()),
        summary,
        inputs: input_reports,
        // The objects are not needed after this: each one's identity moves to the report, where
        // a copy cost an allocation an object, and the standard library collects the entries
        // into the objects' own vector (the hostile `tiny-objects`, 83,333 objects: 5 MB less at
        // the peak, 24.3 MB instead of 29.6).
        objects: objects
            .into_iter()
            .map(|o| ObjectReport {
                kind: o.kind.as_str(),
                identity: o.identity.map(|i| i.text),
                input: o.input,
                line: o.record.first_line,
            })
            .collect(),
        findings,
        diagnostics,
        unrecognized,
        rules_not_run,
    }
}

/// What reading every input gave, before the rules.
struct Read {
    objects: Vec<Object>,
    input_reports: Vec<InputReport>,
    diagnostics: Vec<Diagnostic>,
    unrecognized: Vec<Unrecognized>,
    input_count: usize,
    empty_inputs: usize,
    binary_inputs: usize,
}

/// Decodes and reads every input: its objects, sections, diagnostics and the lines nothing read.
fn read_inputs(inputs: Vec<Input>) -> Read {
    let mut read = Read {
        objects: Vec::new(),
        input_reports: Vec::new(),
        diagnostics: Vec::new(),
        unrecognized: Vec::new(),
        input_count: inputs.len(),
        empty_inputs: 0,
        binary_inputs: 0,
    };
    // One budget for what Export-Clixml `<Ref>` copies may cost, shared by every input.
    let input_bytes = inputs
        .iter()
        .map(|input| match &input.data {
            InputData::Bytes(bytes) => bytes.len(),
            InputData::Text(text) => text.len(),
        })
        .sum();
    let mut ref_budget = formats::clixml::RefBudget::for_input(input_bytes);
    for (index, input) in inputs.into_iter().enumerate() {
        let name = input.name;
        let (text, encoding) = match input.data {
            InputData::Bytes(bytes) => decode::decode(bytes),
            InputData::Text(text) => (decode::normalize_text(text), Encoding::Text),
        };
        read.binary_inputs += usize::from(looks_binary(&text));
        let mut src = Source::new(text);
        let mut sections = Vec::new();
        if is_blank(src.text()) {
            read.empty_inputs += 1;
            read.diagnostics.push(paste_instead(Diagnostic::new(
                "empty-input",
                Severity::Error,
                index,
                None,
                format!("'{name}' is empty."),
                String::new(),
            )));
        } else {
            read::read_input(
                &mut src,
                &mut read::Reading {
                    index,
                    objects: &mut read.objects,
                    sections: &mut sections,
                    diagnostics: &mut read.diagnostics,
                    budget: &mut ref_budget,
                },
            );
            for n in src.lines_not_understood() {
                let line = src.line(n);
                if !is_blank(line) {
                    read.unrecognized.push(Unrecognized { input: index, line: n, text: shorten(line) });
                }
            }
        }
        read.input_reports.push(InputReport { name: name.to_owned(), encoding, lines: src.line_count(), sections });
    }
    read
}

/// The diagnostic for inputs that hold nothing from a cmdlet the checker knows.
fn no_recognized_input(objects: &[Object], binary: bool) -> Diagnostic {
    let unknown = objects.len();
    let message = if binary {
        "The input looks like binary data, not text from the Exchange Management Shell.".to_owned()
    } else if unknown > 0 {
        format!(
            "The input holds {unknown} object{} in a layout the checker reads, but none from a cmdlet it knows.",
            if unknown == 1 { "" } else { "s" }
        )
    } else {
        "Nothing in the input was recognised as output of an Exchange cmdlet.".to_owned()
    };
    paste_instead(Diagnostic::new("no-recognized-input", Severity::Error, 0, None, message, String::new()))
}

/// The diagnostic with the hint used wherever the input gave nothing to check: what to run and paste.
fn paste_instead(diagnostic: Diagnostic) -> Diagnostic {
    Diagnostic {
        hint: "In the Exchange Management Shell, run the command below and check its whole output: the text it prints, or a file written by `>`, `Export-Clixml` or `ConvertTo-Json`.".into(),
        ..diagnostic
    }
    .with_commands(vec![remediation::collect::receive_connectors()])
}

/// True for the Exchange Online connectors.
fn is_online_connector(object: &Object) -> bool {
    matches!(object.kind, Kind::InboundConnector | Kind::OutboundConnector)
}

/// True when the paste holds Exchange Online connectors and no on-premises object (error texts
/// aside: they are no configuration).
pub(crate) fn only_online_connectors(objects: &[Object]) -> bool {
    objects.iter().any(is_online_connector)
        && objects.iter().all(|o| is_online_connector(o) || matches!(o.kind, Kind::Unknown | Kind::Symptom))
}

/// The diagnostic that says no rule checks Exchange Online connectors yet, and, when the paste
/// holds nothing from the on-premises servers, what to paste with them.
fn online_connectors_diagnostic(objects: &[Object]) -> Option<Diagnostic> {
    let first = objects.iter().find(|o| is_online_connector(o))?;
    let online = objects.iter().filter(|o| is_online_connector(o)).count();
    let connectors = if online == 1 {
        "one Exchange Online connector".to_owned()
    } else {
        format!("{online} Exchange Online connectors")
    };
    let diagnostic = if only_online_connectors(objects) {
        Diagnostic::new(
            "online-connectors-not-checked",
            Severity::Info,
            first.input,
            Some(first.record.first_line),
            format!("The paste holds {connectors} (Get-InboundConnector, Get-OutboundConnector) and nothing from the on-premises servers. The rules that read Exchange Online connectors compare them with the on-premises side, so they are listed, not judged."),
            "Hybrid TLS is checked on the on-premises side. In the Exchange Management Shell run the commands below (the last one on each server that sends or receives hybrid mail) and paste their output together with these connectors.".to_owned(),
        )
        .with_commands(vec![
            remediation::collect::send_connectors(),
            remediation::collect::receive_connectors(),
            remediation::collect::certificates(None),
        ])
    } else {
        Diagnostic::new(
            "online-connectors-not-checked",
            Severity::Info,
            first.input,
            Some(first.record.first_line),
            format!("The paste holds {connectors} (Get-InboundConnector, Get-OutboundConnector). They are judged only where a rule can compare them with the on-premises side (the certificate the send connector presents, the receiving servers' certificate, the hybrid domains)."),
            "For a full comparison, paste the send connectors, the hybrid configuration, the receive connectors and the certificates of the sending and receiving servers with these connectors.".to_owned(),
        )
    };
    Some(diagnostic)
}

/// True when control characters (other than tabs and line ends) make up more than one in a
/// hundred characters of the first 64 KB: shell output has none.
fn looks_binary(text: &str) -> bool {
    let sample = text.char_indices().take_while(|(i, _)| *i < 65_536).map(|(_, c)| c);
    let (mut chars, mut controls) = (0usize, 0usize);
    for c in sample {
        chars += 1;
        controls += usize::from(c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    }
    controls * 100 > chars
}

fn shorten(line: &str) -> String {
    const MAX: usize = 200;
    match line.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_owned(),
    }
}

impl Report {
    /// The CLI's exit code: 1 when something needs fixing, 2 when nothing could be checked, else 0.
    pub fn exit_code(&self) -> i32 {
        if self.summary.findings["error"] + self.summary.findings["warning"] > 0 {
            1
        } else if self.summary.checked == 0 {
            2
        } else {
            0
        }
    }
}
