//! hybridcheck: finds broken Exchange hybrid TLS connectors in pasted Exchange Management Shell output.
//!
//! The flow of one paste: bytes are decoded ([`decode`]), split into transcript segments
//! ([`transcript`]), parsed per format into generic records ([`formats`]), typed into
//! Exchange objects ([`model`]), judged by the rules ([`rules`]) which attach commands built
//! by [`remediation`], and collected into a [`report::Report`].
//!
//! This crate performs no IO: it takes bytes or text and returns a value. Nothing here fails:
//! every input, however broken, yields a report whose diagnostics say what went wrong.

pub mod decode;
pub mod decoration;
pub mod diagnostic;
pub mod example;
pub mod formats;
pub mod hidden;
pub mod model;
pub mod remediation;
pub mod report;
pub mod rules;
pub mod sort;
pub mod source;
pub mod transcript;

use decode::Encoding;
use model::{Kind, Object};
use report::{Diagnostic, InputReport, ObjectReport, Report, SectionReport, Severity, Summary, Tool, Unrecognized};
use rules::Judgement;
use source::{is_blank, Source};
use std::collections::BTreeMap;

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
    let input_count = inputs.len();
    let mut objects: Vec<Object> = Vec::new();
    let mut input_reports = Vec::new();
    let mut diagnostics = Vec::new();
    let mut unrecognized = Vec::new();
    let mut empty_inputs = 0;
    let mut binary_inputs = 0;
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
        binary_inputs += usize::from(looks_binary(&text));
        let mut src = Source::new(text);
        let mut sections = Vec::new();
        if is_blank(src.text()) {
            empty_inputs += 1;
            diagnostics.push(paste_instead(Diagnostic::new(
                "empty-input",
                Severity::Error,
                index,
                None,
                format!("'{name}' is empty."),
                String::new(),
            )));
        } else {
            read_input(&mut src, index, &mut objects, &mut sections, &mut diagnostics, &mut ref_budget);
            for n in src.lines_not_understood() {
                let line = src.line(n);
                if !is_blank(line) {
                    unrecognized.push(Unrecognized { input: index, line: n, text: shorten(line) });
                }
            }
        }
        input_reports.push(InputReport { name: name.to_owned(), encoding, lines: src.line_count(), sections });
    }
    let known = objects.iter().filter(|o| o.kind != Kind::Unknown).count();
    if known == 0 && empty_inputs < input_count {
        let unknown = objects.len();
        let message = if binary_inputs > 0 {
            "The input looks like binary data, not text from the Exchange Management Shell.".to_owned()
        } else if unknown > 0 {
            format!(
                "The input holds {unknown} object{} in a layout the checker reads, but none from a cmdlet it knows.",
                if unknown == 1 { "" } else { "s" }
            )
        } else {
            "Nothing in the input was recognised as output of an Exchange cmdlet.".to_owned()
        };
        diagnostics.push(paste_instead(Diagnostic::new(
            "no-recognized-input",
            Severity::Error,
            0,
            None,
            message,
            String::new(),
        )));
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
            format!("The input holds {known} object{}, but none that the rules judge: receive connectors with TlsDomainCapabilities, the send connector to Exchange Online, certificates that connectors name, or server versions.", if known == 1 { "" } else { "s" }),
            String::new(),
        )));
    }
    let mut findings = outcome.findings;
    sort::sort_by_key(&mut findings, |f| (f.severity, f.input, f.line));
    diagnostics.extend(outcome.diagnostics);
    sort::sort_by_key(&mut diagnostics, |d| (d.input, d.line.unwrap_or(0)));
    let summary = summarize(&objects, &outcome.judgements, &findings, &diagnostics, &unrecognized, options.example);
    Report {
        schema: report::SCHEMA,
        tool: Tool { name: "hybridcheck", version: VERSION, data_as_of: DATA_AS_OF },
        example: options.example,
        checked_on: options.today.map(|d| d.to_string()),
        summary,
        inputs: input_reports,
        objects: objects
            .iter()
            .map(|o| ObjectReport {
                kind: o.kind.as_str(),
                identity: o.display_identity(),
                input: o.input,
                line: o.record.first_line,
            })
            .collect(),
        findings,
        diagnostics,
        unrecognized,
    }
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
fn only_online_connectors(objects: &[Object]) -> bool {
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
            format!("The paste holds {connectors} (Get-InboundConnector, Get-OutboundConnector) and nothing from the on-premises servers. No rule checks Exchange Online connectors yet: they are listed, not judged."),
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
            format!("The paste holds {connectors} (Get-InboundConnector, Get-OutboundConnector). No rule checks Exchange Online connectors yet: they are listed, not judged; the on-premises objects were checked on their own."),
            "Nothing to add for now: the certificate names in these connectors are not yet compared with the on-premises certificates.".to_owned(),
        )
    };
    Some(diagnostic)
}

/// Parses one decoded input into objects and sections.
///
/// A paste that a copy decorated (double spacing, quote marks, indentation, Markdown; see
/// [`decoration`]) is read without the decoration, and every line number of what was read is
/// then mapped back to the input's own lines.
fn read_input(
    src: &mut Source,
    index: usize,
    objects: &mut Vec<Object>,
    sections: &mut Vec<SectionReport>,
    diagnostics: &mut Vec<Diagnostic>,
    budget: &mut formats::clixml::RefBudget,
) {
    let Some(plain) = decoration::strip(src) else {
        read_text(src, index, objects, sections, diagnostics, budget);
        return;
    };
    let (first_object, first_section, first_diagnostic) = (objects.len(), sections.len(), diagnostics.len());
    let mut plain_src = Source::new(plain.text.as_str());
    read_text(&mut plain_src, index, objects, sections, diagnostics, budget);
    let line = |n: source::LineNo| plain.input_line(n);
    for object in &mut objects[first_object..] {
        object.record.first_line = line(object.record.first_line);
        object.record.last_line = line(object.record.last_line);
        object.section_line = line(object.section_line);
        map_prop_lines(&mut object.record.props, &line);
    }
    for section in &mut sections[first_section..] {
        section.first_line = line(section.first_line);
        section.last_line = line(section.last_line);
    }
    for diagnostic in &mut diagnostics[first_diagnostic..] {
        diagnostic.line = diagnostic.line.map(line);
    }
    for n in 1..=plain_src.line_count() {
        if plain_src.is_understood(n) {
            src.mark(line(n), line(n));
        }
    }
    // Decoration lines are read; they get a section of their own unless one that holds
    // output already spans them (a bare `>` between quoted properties).
    let mut spans: Vec<(source::LineNo, source::LineNo)> =
        sections[first_section..].iter().map(|s| (s.first_line, s.last_line)).collect();
    sort::sort_by(&mut spans, Ord::cmp);
    // The last line reached by the sections up to each one, for the test below.
    let reach: Vec<source::LineNo> = spans
        .iter()
        .scan(0, |reach, s| {
            *reach = s.1.max(*reach);
            Some(*reach)
        })
        .collect();
    for &(first, last) in &plain.furniture {
        src.mark(first, last);
        let before = spans.partition_point(|s| s.0 <= first);
        if before > 0 && reach[before - 1] >= last {
            continue;
        }
        sections.push(SectionReport {
            cmdlet: None,
            cmdlet_from: None,
            format: formats::Format::Markdown,
            first_line: first,
            last_line: last,
            objects: 0,
        });
    }
    sort::sort_by_key(sections, |s| s.first_line);
}

/// Maps the lines of properties, and of the properties of object values, with `line`.
fn map_prop_lines(props: &mut [formats::Prop], line: &impl Fn(source::LineNo) -> source::LineNo) {
    for prop in props {
        prop.line = line(prop.line);
        map_value_lines(&mut prop.value, line);
    }
}

fn map_value_lines(value: &mut formats::Value, line: &impl Fn(source::LineNo) -> source::LineNo) {
    match value {
        formats::Value::Object(object) => map_prop_lines(&mut object.props, line),
        formats::Value::List(items) => items.iter_mut().for_each(|item| map_value_lines(item, line)),
        _ => {}
    }
}

/// Parses one text into objects and sections: [`read_input`] without decoration.
fn read_text(
    src: &mut Source,
    index: usize,
    objects: &mut Vec<Object>,
    sections: &mut Vec<SectionReport>,
    diagnostics: &mut Vec<Diagnostic>,
    budget: &mut formats::clixml::RefBudget,
) {
    let (segments, furniture) = transcript::split(src);
    for f in furniture {
        src.mark(f.first_line, f.last_line);
        let format = if f.prompt { formats::Format::Prompt } else { formats::Format::Transcript };
        let cmdlet = f.command.as_deref().and_then(transcript::first_cmdlet).map(str::to_owned);
        let cmdlet_from = cmdlet.as_ref().map(|_| "command");
        sections.push(SectionReport {
            cmdlet,
            cmdlet_from,
            format,
            first_line: f.first_line,
            last_line: f.last_line,
            objects: 0,
        });
    }
    let mut labels = formats::list::Labels::default();
    for segment in segments {
        let command_cmdlet = segment.command.as_deref().and_then(transcript::first_cmdlet).map(str::to_owned);
        let command: Option<std::rc::Rc<str>> = segment.command.as_deref().map(Into::into);
        let blocks = formats::parse_segment_with(
            src,
            segment.first_line,
            segment.last_line,
            model::is_read,
            &mut labels,
            budget,
        );
        let mut open_section: Option<usize> = None;
        for block in blocks {
            for (first, last) in &block.understood {
                src.mark(*first, *last);
            }
            diagnostics.extend(block.diagnostics.into_iter().map(|d| Diagnostic { input: index, ..d }));
            // A call recorded in a log names its command itself; otherwise the prompt above does.
            let (command, command_cmdlet, named_by) = match block.command {
                Some(recorded) => {
                    let cmdlet = transcript::first_cmdlet(&recorded).map(str::to_owned);
                    (Some(recorded), cmdlet, "log")
                }
                None => (command.clone(), command_cmdlet.clone(), "command"),
            };
            let command_kind = command_cmdlet.as_deref().and_then(Kind::from_cmdlet);
            let kinds: Vec<Kind> = block
                .records
                .iter()
                .map(|r| {
                    command_kind
                        .or_else(|| r.type_name.as_deref().and_then(Kind::from_type_name))
                        .unwrap_or_else(|| Kind::from_properties(r))
                })
                .collect();
            let (cmdlet, cmdlet_from) = match (command_cmdlet.as_deref(), kinds.first().and_then(|k| k.cmdlet())) {
                (Some(c), _) => (Some(c), Some(named_by)),
                (None, Some(c)) => (Some(c), Some("properties")),
                (None, None) => (None, None),
            };
            // Consecutive blocks of one format and cmdlet form one section (Format-List
            // prints one block per object).
            let section = match open_section.filter(|&s| s + 1 == sections.len()) {
                Some(s) if sections[s].format == block.format && sections[s].cmdlet.as_deref() == cmdlet => s,
                _ => {
                    sections.push(SectionReport {
                        cmdlet: cmdlet.map(str::to_owned),
                        cmdlet_from,
                        format: block.format,
                        first_line: block.first_line,
                        last_line: block.last_line,
                        objects: 0,
                    });
                    sections.len() - 1
                }
            };
            open_section = Some(section);
            sections[section].last_line = block.last_line;
            sections[section].objects += block.records.len();
            let section_line = sections[section].first_line;
            for (record, kind) in block.records.into_iter().zip(kinds) {
                let mut object = Object::new(kind, index, record, block.format, section_line);
                object.command = command.clone();
                objects.push(object);
            }
        }
    }
    read_symptoms(src, index, objects, sections);
    sort::sort_by_key(sections, |s| s.first_line);
}

/// Adds an object for every line that shows a known error text, whatever else read the line.
fn read_symptoms(src: &mut Source, index: usize, objects: &mut Vec<Object>, sections: &mut Vec<SectionReport>) {
    // Configuration is not an error the system reported: a Comment that mentions a status code
    // is no symptom, and neither is a command typed at a prompt. So only the lines outside
    // configuration objects and prompts are scanned, and of those only the runs that are not all
    // blank, which also keeps a large connector dump (thousands of objects, each after a prompt
    // or a blank line) cheap.
    let mut configuration: Vec<(source::LineNo, source::LineNo)> = objects
        .iter()
        .filter(|o| o.input == index && !matches!(o.kind, Kind::Unknown | Kind::Symptom))
        .map(|o| (o.record.first_line, o.record.last_line))
        .chain(sections.iter().filter(|s| s.format == formats::Format::Prompt).map(|s| (s.first_line, s.last_line)))
        .collect();
    sort::sort_by(&mut configuration, Ord::cmp);
    let mut outside = Vec::new();
    let mut next = 1;
    for (first, last) in configuration {
        if first > next {
            outside.push((next, first - 1));
        }
        next = next.max(last + 1);
    }
    if next <= src.line_count() {
        outside.push((next, src.line_count()));
    }
    outside
        .retain(|&(first, last)| src.lines_from(first).take((last - first + 1) as usize).any(|line| !is_blank(line)));
    let scan = formats::symptom::scan(src, &outside, |line| transcript::prompt_command(line).is_some());
    // Every line that shows a symptom is read; those no format read form sections of their own,
    // one for each run of such lines (a queue dump of one error is one section, not thousands).
    for &line in &scan.lines {
        if src.is_understood(line) {
            continue;
        }
        src.mark(line, line);
        match sections.last_mut() {
            Some(s) if s.format == formats::Format::SymptomText && s.last_line + 1 == line => s.last_line = line,
            _ => sections.push(SectionReport {
                cmdlet: None,
                cmdlet_from: None,
                format: formats::Format::SymptomText,
                first_line: line,
                last_line: line,
                objects: 0,
            }),
        }
    }
    // The lines kept of each symptom become objects, named by the symptom's id; the first of
    // each carries how many lines of this input show it, so that the finding can say how many
    // were not kept.
    let mut counted: Vec<&str> = Vec::new();
    for (line, symptom) in scan.kept {
        let text = src.line(line).trim().to_owned();
        let mut props = vec![
            formats::Prop::new("Name", formats::Value::Text(symptom.id.into()), line),
            formats::Prop::new("Symptom", formats::Value::Text(symptom.id.into()), line),
            formats::Prop::new("Text", formats::Value::Text(text.into()), line),
        ];
        if !counted.contains(&symptom.id) {
            counted.push(symptom.id);
            let count = scan.counts.iter().find(|(id, _)| *id == symptom.id).map_or(1, |&(_, n)| n);
            props.push(formats::Prop::new("SymptomLines", formats::Value::Text(count.to_string().into()), line));
        }
        let record = formats::Record { type_name: None, first_line: line, last_line: line, props };
        objects.push(Object::new(Kind::Symptom, index, record, formats::Format::SymptomText, line));
    }
}

/// Every count the report states, and the words for people that carry them: the one place where
/// they are computed, so that the verdict, the counts line, the page's headings and the CLI's
/// closing line cannot disagree with the lists they count.
fn summarize(
    objects: &[Object],
    judgements: &[Judgement],
    findings: &[report::Finding],
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
        "No rule checks Exchange Online connectors yet, and the input holds nothing from the on-premises servers; see the notes about the input for what to add.".to_owned()
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
