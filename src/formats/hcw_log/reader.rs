//! The reading of one block of the log, entry by entry ([`Reader`]): the call it records, what a
//! call that writes hybrid mail flow set, and the error entries, `HCW` codes and failed calls it
//! reports.

use super::calls::{parameters, written_type, Argument, Call, Ending};
use super::entries::{closes_quote, exception_head, json_depth, threw, Entry, Level, Session};
use super::objects::{output_property, Output};
use crate::diagnostic::{Diagnostic, Severity};
use crate::formats::{Block, Format, Prop, Record, Value};
use crate::model::Kind;
use crate::source::{is_blank, trim, trim_end, trim_start, LineNo, Source};

/// The entry being read, with what its continuation lines add.
struct Open {
    line: LineNo,
    old: bool,
    /// The entry is an error to report when it ends (unless it was reported otherwise).
    error: bool,
    /// Which step of the wizard wrote the entry (see [`Entry::step`]).
    step: String,
    message: String,
    /// The first line of an exception among the continuation lines.
    exception: Option<String>,
    /// The old wizard's error names the cmdlet that threw.
    threw: Option<String>,
    /// The old wizard's error text on the lines after the entry, without stack frames.
    detail: String,
    /// The old wizard's error text is quoted and not yet closed.
    quote_open: bool,
    /// Braces of a JSON body not yet closed.
    json_depth: i64,
    /// The objects a `Get-` call returned, being read.
    output: Option<Output>,
}

impl Open {
    /// True when the next line may hold the detail of this entry (an exception).
    fn expects_detail(&self) -> bool {
        self.error || self.message.is_empty() || self.message.ends_with(':')
    }
}

/// The state of one block's reading.
pub(super) struct Reader<'s> {
    src: &'s Source<'s>,
    block: Block,
    call: Option<Call>,
    open: Option<Open>,
    /// The record of what the call wrote, kept until the log shows whether it failed.
    written: Option<Record>,
    pub(super) last: LineNo,
}

impl<'s> Reader<'s> {
    pub(super) fn new(src: &'s Source<'s>, start: LineNo, call: Option<Call>) -> Reader<'s> {
        Reader { src, block: Block::new(Format::HcwLog, start, start), call, open: None, written: None, last: start }
    }

    /// True when nothing but blank lines follows line `n`: a paste may end inside it. Stops at
    /// the first line that is not blank, so it costs a line or two.
    fn ends_input(&self, n: LineNo) -> bool {
        (n + 1..=self.src.line_count()).all(|m| is_blank(self.src.line(m)))
    }

    /// True when `entry` belongs in a block of its own: a call's START, or the FINISH of a call
    /// other than this block's.
    pub(super) fn starts_another_block(&self, entry: &Entry) -> bool {
        entry.call_start().is_some()
            || (entry.call_finish().is_some() && !self.call.as_ref().is_some_and(|c| c.finished_by(entry)))
    }

    pub(super) fn entry(&mut self, n: LineNo, entry: &Entry) {
        self.close_entry();
        let mut open = Open {
            line: n,
            old: entry.old,
            error: entry.level == Level::Error,
            step: entry.step(),
            message: entry.message.to_owned(),
            exception: None,
            threw: entry.old.then(|| threw(entry.message)).flatten().map(str::to_owned),
            detail: String::new(),
            quote_open: entry.old && entry.message.contains(" with error '") && !closes_quote(entry.message),
            json_depth: json_depth(entry.message),
            output: None,
        };
        if entry.cut {
            self.cut(n);
        }
        if self.codes(n, entry.message) {
            open.error = false;
        }
        let starts_call = self.call.as_ref().is_some_and(|c| c.start_line == Some(n));
        if starts_call {
            let command = self.call.as_ref().map(|c| c.command.clone()).unwrap_or_default();
            self.written = self.written_record(n, &command);
        } else if let Some(results) =
            entry.call_finish().filter(|_| self.call.as_ref().is_some_and(|c| c.finished_by(entry)))
        {
            open.error = false;
            let failed = entry.level == Level::Error
                || results.starts_with("PowerShell failed")
                || results.to_ascii_uppercase().starts_with("FAILED");
            if failed {
                self.call_failed(n, results);
            } else if self.returns_known_objects() {
                open.output = Some(Output::default());
            }
        }
        self.open = Some(open);
    }

    /// True when a line that is not an entry continues the open entry.
    pub(super) fn continues(&self, line: &str) -> bool {
        let Some(open) = &self.open else { return false };
        let text = trim_start(line);
        line.starts_with([' ', '\t'])
            || text.starts_with("at ")
            || text.starts_with("---")
            || open.quote_open
            || open.json_depth > 0
            || (open.expects_detail() && exception_head(text).is_some())
            || (open.output.is_some() && output_property(line).is_some())
            || (open.old && open.error && text.starts_with("Additional troubleshooting information"))
    }

    pub(super) fn continuation(&mut self, n: LineNo, line: &str) {
        let text = trim(line);
        let reading_output = self.open.as_ref().is_some_and(|o| o.output.is_some());
        if let Some((name, value)) = output_property(line).filter(|_| reading_output) {
            let maybe_cut = self.ends_input(n);
            if let Some(output) = self.open.as_mut().and_then(|o| o.output.as_mut()) {
                output.property(n, name, value, maybe_cut);
            }
            return;
        }
        let coded = self.codes(n, text);
        let Some(open) = self.open.as_mut() else { return };
        if coded {
            open.error = false;
        } else if let Some(head) = exception_head(text) {
            // An exception under an entry that is not an error is an error all the same.
            open.error |= open.exception.is_none() && !open.message.contains(head);
            open.exception.get_or_insert_with(|| shorten(text));
        }
        if open.old {
            if let Some(cmdlet) = threw(text) {
                open.threw.get_or_insert_with(|| cmdlet.to_owned());
            }
            let frame = text.starts_with("at ") || text.starts_with("---");
            if open.error && open.quote_open && !frame && open.detail.len() < 600 {
                open.detail.push(' ');
                open.detail.push_str(trim_end(text.strip_suffix("'.").unwrap_or(text)));
            }
            if open.quote_open && closes_quote(text) {
                open.quote_open = false;
            }
        }
        open.json_depth += json_depth(text);
    }

    /// A blank line ends an object of recorded output.
    pub(super) fn blank(&mut self) {
        if let Some(output) = self.open.as_mut().and_then(|o| o.output.as_mut()) {
            output.blank();
        }
    }

    /// Reports the open entry's error, and keeps the objects it recorded.
    fn close_entry(&mut self) {
        let Some(mut open) = self.open.take() else { return };
        if let Some(mut output) = open.output.take() {
            output.end_object();
            self.block.records.extend(output.records);
        }
        if !open.error {
            return;
        }
        if let Some(cmdlet) = open.threw.take() {
            let text = format!("{}{}", open.message, open.detail);
            if self.call.as_ref().is_some_and(|c| c.cmdlet.eq_ignore_ascii_case(&cmdlet)) {
                self.call_failed(open.line, &text);
            } else {
                self.block.diagnostics.push(failed_call(open.line, &cmdlet, true, &text));
            }
            return;
        }
        let text =
            if open.message.is_empty() { open.exception.unwrap_or_default() } else { open.message + &open.detail };
        // The exception that repeats a failure reported with its call adds nothing.
        let repeats = self.call.as_ref().is_some_and(|c| c.failed && text.contains(&format!("'{}'", c.cmdlet)));
        if !repeats {
            self.block.diagnostics.push(Diagnostic::at_line(
                "hcw-log-error",
                Severity::Warning,
                open.line,
                format!(
                    "The log has an error entry{}: {}",
                    if open.step.is_empty() { String::new() } else { format!(" ({})", open.step) },
                    shorten(if text.is_empty() { "(no message)" } else { &text })
                ),
                "Read the log around this line: the entries before it say which step of the wizard failed.".into(),
            ));
        }
    }

    /// Reports the `HCW` codes in `text`; true when there was one.
    fn codes(&mut self, n: LineNo, text: &str) -> bool {
        let mut found = false;
        let mut from = 0;
        while let Some(at) = text[from..].find("HCW").map(|i| from + i) {
            from = at + 3;
            let code = text.get(at..at + 7).filter(|c| c[3..].bytes().all(|b| b.is_ascii_digit()));
            let alone_before = at == 0 || !text.as_bytes()[at - 1].is_ascii_alphanumeric();
            let alone_after = text.as_bytes().get(at + 7).is_none_or(|b| !b.is_ascii_alphanumeric());
            let Some(code) = code.filter(|_| alone_before && alone_after) else { continue };
            found = true;
            let said = trim(text[at + 7..].trim_start_matches([' ', '-', ':']));
            let said = if said.is_empty() { shorten(text) } else { shorten(said) };
            self.block.diagnostics.push(Diagnostic::at_line(
                "hcw-error",
                Severity::Warning,
                n,
                format!("The Hybrid Configuration Wizard reported {code}: {said}"),
                hcw_hint(code).into(),
            ));
        }
        found
    }

    fn cut(&mut self, n: LineNo) {
        self.block.diagnostics.push(Diagnostic::at_line(
            "hcw-log-line-cut",
            Severity::Info,
            n,
            "This line of the Hybrid Configuration Wizard log is cut short, so what it records was read only in part."
                .into(),
            "Drop the whole log file (or paste it whole) to have every call read.".into(),
        ));
    }

    fn call_failed(&mut self, n: LineNo, results: &str) {
        let Some(call) = self.call.as_mut() else { return };
        call.failed = true;
        let diagnostic = failed_call(n, &call.cmdlet, call.session != Session::Online, results);
        self.block.diagnostics.push(diagnostic);
    }

    /// True when the block's call is a `Get-` of objects the model knows.
    fn returns_known_objects(&self) -> bool {
        self.call.as_ref().is_some_and(|c| {
            c.cmdlet.get(..4).is_some_and(|v| v.eq_ignore_ascii_case("Get-")) && Kind::from_cmdlet(&c.cmdlet).is_some()
        })
    }

    /// The record of the settings a write call sets, for the calls that write hybrid mail flow.
    fn written_record(&mut self, n: LineNo, command: &str) -> Option<Record> {
        let call = self.call.as_ref()?;
        let (type_name, identity_parameter, side) = written_type(&call.cmdlet)?;
        if call.session != side && call.session != Session::Either {
            return None;
        }
        let (mut parameters, ending) = parameters(command);
        if ending == Ending::Cut {
            self.cut(n);
        }
        if ending == Ending::Open && self.ends_input(n) {
            // The paste ends inside or right after a bare word: it may be a piece of a value.
            if let Some(last) = parameters.last_mut() {
                last.value = Argument::Cut(String::new());
            }
        }
        let mut record = Record { type_name: Some(type_name.into()), first_line: n, last_line: n, props: Vec::new() };
        for parameter in parameters {
            // PowerShell takes any start of a parameter's name for it (`-Id`), and so does the
            // model, which reads an `Id` property as the identity.
            let is_identity = parameter.name.len() >= 2
                && identity_parameter
                    .get(..parameter.name.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(parameter.name));
            // The wizard quotes the identities it writes; anything else is not taken for one.
            // Nor is a new name given to an object (`Set-SendConnector -Name`), which the model
            // would read as an identity when none is shown.
            if is_identity && !parameter.quoted || !is_identity && parameter.name.eq_ignore_ascii_case("Name") {
                continue;
            }
            let (value, truncated) = match parameter.value {
                Argument::Values(mut values) if values.len() == 1 => (Value::Text(values.remove(0).into()), false),
                Argument::Values(values) => {
                    (Value::List(values.into_iter().map(|v| Value::Text(v.into())).collect()), false)
                }
                Argument::Null => (Value::Null, false),
                Argument::Flag(on) => (Value::Text(if on { "True" } else { "False" }.into()), false),
                // A cut value is kept only to show whose identity it was: it is marked cut, so
                // no command names it. Any other cut value is left out rather than read wrong.
                Argument::Cut(text) if is_identity => (Value::Text(text.into()), true),
                Argument::Cut(_) | Argument::Hidden => continue,
            };
            // A new send connector's name is its identity.
            let name = if is_identity { "Identity" } else { parameter.name };
            let mut prop = Prop::new(name, value, n);
            prop.truncated = truncated;
            prop.not_current = true;
            record.props.push(prop);
        }
        Some(record)
    }

    pub(super) fn finish(mut self) -> Block {
        self.close_entry();
        if let Some(record) = self.written.take().filter(|_| !self.call.as_ref().is_some_and(|c| c.failed)) {
            self.block.records.insert(0, record);
        }
        self.block.command = self.call.map(|c| c.command);
        self.block.last_line = self.last;
        self.block.understood.push((self.block.first_line, self.last));
        self.block
    }
}

/// A diagnostic for a call the log shows failing.
fn failed_call(n: LineNo, cmdlet: &str, on_premises: bool, results: &str) -> Diagnostic {
    let shell = if on_premises { "the Exchange Management Shell" } else { "Exchange Online PowerShell" };
    Diagnostic::at_line(
        "hcw-cmdlet-failed",
        Severity::Warning,
        n,
        format!("The wizard's call to {cmdlet} failed, so it changed nothing: {}", shorten(results)),
        format!("Run the command the log records for this call in {shell} to see the error there, fix its cause, then run the wizard again."),
    )
}

/// What to do about an `HCW` code; the codes below are documented by Microsoft.
fn hcw_hint(code: &str) -> &'static str {
    match code {
        "HCW8064" => "Mail flow was configured, but OAuth was not (free/busy and other features that use it may not work): configure OAuth by hand as KB 3089172 describes (https://support.microsoft.com/help/3089172), or run the wizard again once the cause in the entries above is fixed.",
        "HCW8010" => "No receive connector listens on port 25 for both IPv4 and IPv6 (KB 3087159): bind the Default Frontend connector to `[::]:25` and `0.0.0.0:25`, then run the wizard again.",
        _ => "Look the code up in Microsoft's Hybrid Configuration Wizard troubleshooting articles, fix the cause the entries before it show, and run the wizard again.",
    }
}

/// Text for a message, at most a few hundred characters.
fn shorten(text: &str) -> String {
    const MOST: usize = 600;
    let text = trim(text);
    match text.char_indices().nth(MOST) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}
